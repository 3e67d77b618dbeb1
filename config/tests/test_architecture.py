"""The layering, checked on the source (the checker is ``architecture.py``): each rule passes
on the tree and fails on a small tree with one planted breach."""

from pathlib import Path
from textwrap import dedent

from .architecture import (
    LAYERS,
    SUBLAYERS,
    app_modules,
    import_cycles,
    imports_of_test_modules,
    unexplained_lazy_imports,
    upward_imports,
    upward_strings,
)


def plant(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"))
    return root


# The tree ----------------------------------------------------------------------------------


def test_the_layers():
    assert LAYERS == [
        "alexa",
        "outbox",
        "merchant",
        "apikeys",
        "catalog",
        "discounts",
        "webhooks",
        "orders",
        "cards",
        "shoppers",
        "linking",
        "notifications",
        "isp",
        "skill",
        "shop",
        "ucp",
        "voicelab",
        "smapi_sandbox",
        "analytics",
        "demo",
        "config",
    ]
    assert SUBLAYERS == {"voicelab": ["package", "console", "launch", "publish"]}


def test_apps_import_only_downwards():
    assert upward_imports() == []


def test_no_string_names_a_module_of_a_higher_app():
    assert upward_strings() == []


def test_no_import_cycle():
    assert import_cycles() == []


def test_no_import_inside_a_function_without_a_reason():
    assert unexplained_lazy_imports() == []


def test_no_test_module_imported_by_application_code_or_benches():
    assert imports_of_test_modules() == []


# Planted breaches --------------------------------------------------------------------------


def test_an_upward_import_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            "merchant/models.py": "import catalog.models\n",
            "catalog/models.py": """
                from merchant.models import Store
                from orders.models import Order
                """,
            "catalog/pitch_forms.py": "from skill.speech.pitch import pitch\n",
            "orders/models.py": """
                def total():
                    # late: the orders app loads after the catalog
                    from skill import speech

                    return speech
                """,
        },
    )
    assert upward_imports(root) == [
        "catalog/models.py:2 imports orders.models",
        "merchant/models.py:1 imports catalog.models",
        "orders/models.py:3 imports skill",
    ]


def test_an_upward_import_between_ordered_sub_packages_fails(tmp_path):
    """voicelab: package < console < launch; the app's own top-level modules are in no
    sub-layer; the apps not created yet (alexa here) are no error."""
    root = plant(
        tmp_path,
        {
            "voicelab/models.py": "from voicelab.launch import runner\n",
            "voicelab/package/views.py": "from voicelab.launch.services import record\n",
            "voicelab/console/views.py": """
                from voicelab import launch
                from voicelab.package import build
                from voicelab.models import Export
                """,
            "voicelab/launch/services.py": """
                from voicelab.console import envelopes
                from voicelab.package import build
                from skill import turn
                """,
        },
    )
    assert upward_imports(root) == [
        "voicelab/console/views.py:1 imports voicelab.launch",
        "voicelab/package/views.py:1 imports voicelab.launch.services",
    ]


def test_a_module_named_in_a_string_of_a_lower_app_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            "notifications/tasks.py": """
                def send_order_status(order_id, status):
                    pass
                """,
            "notifications/templates.py": "",
            "orders/tasks.py": "def send_order_email(order_id):\n    pass\n",
            "orders/effects.py": '''
                """Queues notifications.tasks.send_order_status (a docstring names freely)."""

                NOTIFY = "notifications.tasks.send_order_status"
                OWN = "orders.tasks.send_order_email"
                URL = "support:order_detail"
                TEMPLATE = "notifications/order_status.txt"
                SETTING = "CELERY_BROKER_URL"
                EVENT = "notifications.sent"
                MISSING = "notifications.tasks.no_such_task"
                MODULE = "notifications.templates"
                ''',
            "voicelab/package/export.py": 'RUN = "voicelab.launch.tasks.run_certification"\n',
            "voicelab/launch/tasks.py": "def run_certification(run_id):\n    pass\n",
        },
    )
    assert upward_strings(root) == [
        'orders/effects.py:3 names "notifications.tasks.send_order_status"',
        'orders/effects.py:10 names "notifications.templates"',
        'voicelab/package/export.py:1 names "voicelab.launch.tasks.run_certification"',
    ]


def test_a_module_level_import_cycle_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            "orders/models.py": "from orders.pricing import total\n",
            "orders/pricing.py": "from orders import models\n",
            "orders/views.py": "from orders import models, pricing\n",
        },
    )
    assert import_cycles(root) == ["orders.models -> orders.pricing -> orders.models"]


def test_an_import_cycle_through_a_function_level_import_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            "skill/launch/services.py": "from skill.launch import tasks\n",
            "skill/launch/tasks.py": "from skill.launch.runner import run\n",
            "skill/launch/runner.py": """
                def run():
                    # the services import the tasks: import them when a run starts
                    from skill.launch.services import record

                    record()
                """,
            "skill/launch/views.py": """
                def start():
                    # loaded on the first request
                    from skill.launch import services
                """,
        },
    )
    assert import_cycles(root) == [
        "skill.launch.runner -> skill.launch.services -> skill.launch.tasks -> skill.launch.runner"
    ]


def test_a_cycle_through_a_package_that_re_exports_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            "orders/services/__init__.py": "from .refunds import refund\n",
            "orders/services/refunds.py": """
                def refund():
                    # the package's names, imported on use
                    from orders.services import refund_total
                """,
        },
    )
    assert import_cycles(root) == ["orders.services -> orders.services.refunds -> orders.services"]


def test_an_import_inside_a_function_without_a_comment_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            "orders/services.py": '''
                import json


                def hash_in_a_string():
                    label = "# not a comment"
                    import csv


                def comment_above():
                    # csv is loaded only for exports
                    import csv


                def comment_on_the_line():
                    import csv  # loaded only for exports


                def a_directive_only():
                    import csv  # noqa: PLC0415


                def explained():
                    # the next function's import has no reason of its own
                    pass


                def after_a_comment_of_another_function():
                    import csv


                def multi_line():
                    from decimal import (
                        Decimal,  # money is exact
                    )


                class Command:
                    def handle(self):
                        """# a docstring is no comment"""
                        from orders import models
                ''',
        },
    )
    assert unexplained_lazy_imports(root) == [
        "orders/services.py:6",
        "orders/services.py:19",
        "orders/services.py:28",
        "orders/services.py:40",
    ]


def test_a_test_module_imported_by_a_bench_or_application_code_fails(tmp_path):
    root = plant(
        tmp_path,
        {
            "bench/orders.py": """
                import sys

                from merchant.models import Store
                from merchant.tests.factories import StoreFactory
                from skill.testing.envelopes import envelope


                def seed():
                    # Django is set up first
                    from orders.tests import helpers
                    from webhooks import tests
                    import conftest
                """,
            "bench/back_office.py": "import os, webhooks.tests.helpers\n",
            "skill/testing/envelopes.py": "from ..tests import certs\n",
            "skill/tests/certs.py": "from merchant.tests.factories import StoreFactory\n",
            "merchant/models.py": "",
        },
    )
    assert imports_of_test_modules(root) == [
        "bench/back_office.py:1 imports webhooks.tests.helpers",
        "bench/orders.py:4 imports merchant.tests.factories",
        "bench/orders.py:10 imports orders.tests",
        "bench/orders.py:11 imports webhooks.tests",
        "bench/orders.py:12 imports conftest",
        "skill/testing/envelopes.py:1 imports skill.tests",
    ]
    assert [m.rel for m in app_modules(root)] == [
        "merchant/models.py",
        "skill/testing/envelopes.py",
    ]
