"""Celery tasks are queued only by ``orders.effects`` (through the outbox), only after
commit, and by the names the worker registers; ``effects`` imports neither the tasks nor the
services (no cycle)."""

import ast
from pathlib import Path

import pytest
from celery import current_app
from django.db import transaction

from orders import effects, tasks

ORDERS = Path(__file__).resolve().parents[1]


@pytest.fixture
def queued(monkeypatch):
    """Record what is queued instead of running it: [(task name, args)]."""
    calls = []
    for name in effects.TASK_NAMES:
        task = current_app.tasks[name]
        monkeypatch.setattr(
            task, "apply_async", lambda args, kwargs, _name=name: calls.append((_name, args))
        )
    return calls


def test_every_task_effects_queues_is_registered_under_its_name():
    for name in effects.TASK_NAMES:
        module, _, function = name.rpartition(".")
        assert module == "orders.tasks"
        assert current_app.tasks[name].name == getattr(tasks, function).name == name


def test_effects_queue_after_commit_only(db, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        effects.send_order_email(order_id=7, kind="refund_completed", key="o7-r1")
        effects.capture_order_payment(order_id=7)
        effects.settle_refund(transaction_id=3)
        effects.report_renewal_failure(renewal_id=5)
    assert queued == []  # nothing before the commit
    assert len(callbacks) == 4
    for callback in callbacks:
        callback()
    assert queued == [
        (effects.SEND_ORDER_EMAIL, (7, "refund_completed", "o7-r1")),
        (effects.CAPTURE_ORDER_PAYMENT, (7,)),
        (effects.SETTLE_REFUND, (3,)),
        (effects.REPORT_RENEWAL_FAILURE, (5,)),
    ]


def test_a_rolled_back_change_queues_nothing(db, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                effects.send_order_email(order_id=7, kind="shipped")
                raise RuntimeError("rolled back")
    assert (callbacks, queued) == ([], [])


def test_beat_fan_out_queues_at_once(db, queued):
    effects.settle_refunds_now([1, 2])
    effects.renew_refill_plans_now([9])
    assert queued == [
        (effects.SETTLE_REFUND, (1,)),
        (effects.SETTLE_REFUND, (2,)),
        (effects.RENEW_REFILL_PLAN, (9,)),
    ]


def _app_sources():
    return [
        p for p in ORDERS.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts
    ]


def test_only_effects_queues_tasks():
    queuing = {
        str(path.relative_to(ORDERS))
        for path in _app_sources()
        if any(
            call in path.read_text()
            for call in (
                ".delay(",
                ".apply_async(",
                "send_task(",
                "outbox_message_add(",
                "broker.publish(",
            )
        )
    }
    assert queuing == {"effects.py"}


def test_effects_imports_neither_tasks_nor_services():
    tree = ast.parse((ORDERS / "effects.py").read_text())
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported == {"outbox", "outbox.services"}


def test_function_level_imports_name_their_reason():
    """No import inside a function unless a comment says which cycle or loading step needs it."""
    unexplained = []
    for path in _app_sources():
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    around = " ".join(lines[max(0, inner.lineno - 4) : inner.lineno])
                    if "#" not in around:
                        unexplained.append(f"{path.relative_to(ORDERS)}:{inner.lineno}")
    assert unexplained == []


def test_no_string_names_a_module_of_an_app_above_orders():
    """Orders announces status changes with ``orders.signals``; the apps above it connect
    their own receivers (a task queued by name would hide an upward dependency)."""
    above = ("notifications", "isp", "skill", "analytics", "demo", "config")
    named = [
        f"{path.relative_to(ORDERS)}:{node.lineno} {node.value}"
        for path in _app_sources()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(tuple(f"{app}." for app in above))
    ]
    assert named == []
