"""What the portal walks (``test_portal_walks_browser.py``) walk through: the demo as
``make run`` seeds it (No Nicks with its shoppers, in-skill purchasing and the digital-only
Sleep Well store; a week of No Nicks' history, the walks open its pages), one row more of each
model the demo leaves empty (so that every admin list shows a row and has a change page), a
superuser ("root", the demo's password), and the values the portal's addresses take, from
those rows."""

from datetime import timedelta
from decimal import Decimal
from typing import cast

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from analytics.tests.factories import InteractionFactory, launch, session_ended
from cards.tests.factories import SavedCardFactory, StripeSettingsFactory
from demo.history import seed_history
from demo.isp_seed import seed_demo_isp
from demo.seed import DEMO_PASSWORD, roll_up_history, seed_demo_store
from demo.shoppers_seed import seed_demo_shoppers
from discounts.tests.factories import DiscountFactory
from isp.models import InSkillProduct, UpsellExperiment
from linking.models import StoreAlexaClient
from merchant.models import Role, StaffMembership, Store
from notifications.models import NotificationStatus, OrderNotification
from orders.customer_views import PLAN_ACTIONS
from orders.models import Order, RefillPlan
from orders.views import ORDER_ACTIONS
from skill.models import SkillEvent
from ucp.models import ShippingRate
from voicelab.models import CertificationRun, CertificationRunStatus
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookEventType
from webhooks.tests.factories import WebhookEndpointFactory

HISTORY_DAYS = 7  # `make run` seeds 90; a week gives every page rows, in seconds


def _rows_the_demo_leaves_empty(store: Store) -> int:
    """One row of each store-owned model the demo has none of; the webhook endpoint's id."""
    order = Order.objects.filter(store=store, placed_at__isnull=False).order_by("pk").first()
    assert order is not None
    DiscountFactory(
        store=store,
        code="WINTERVOICE2026",
        title="Ten percent off the starter kit for shoppers who ordered by voice last winter",
    )
    endpoint = cast(  # an address as long as the automation tools give
        WebhookEndpoint,
        WebhookEndpointFactory(
            store=store,
            url="https://hooks.automation.example.com/hooks/catch/18734512/3kq9zv7/"
            "?source=voice-store&store=no-nicks&signature-version=v1",
        ),
    )
    event = WebhookEvent.objects.create(
        store=store, message_id="msg_walk", type=WebhookEventType.values[0], payload={}
    )
    WebhookDelivery.objects.create(store=store, event=event, endpoint=endpoint)
    StripeSettingsFactory(store=store)
    SavedCardFactory(store=store, customer=order.customer)
    SkillEvent.objects.create(
        store=store,
        type="AlexaSkillEvent.SkillPermissionAccepted",
        request_id="amzn1.echo-api.request.6919844a-733e-4e89-893a-fdcb77e2ef0d",
    )
    ShippingRate.objects.create(
        store=store, code="std-ship", title="Standard shipping", fee=Decimal("4.00")
    )
    OrderNotification.objects.create(
        store=store, order=order, status=NotificationStatus.SHIPPED, reference_id="walk-shipped"
    )
    product = InSkillProduct.objects.filter(store=store).order_by("pk").first()
    if product is not None:
        UpsellExperiment.objects.create(
            store=store, product=product, kind="message", locale="en-US", message_a="Try it?"
        )
    return endpoint.pk


def _a_session_as_alexa_sends_it(store: Store, customer) -> str:
    """A shopper's session with Alexa's long ids and words the skill did not understand."""
    at = timezone.now() - timedelta(hours=2)
    session_id = "amzn1.echo-api.session.0f9c2d5e-7b1a-4c3e-9d8f-2a6b5c4d3e2f"
    turn = {"store": store, "customer": customer, "session_id": session_id}
    launch(**turn, outcome="welcome", reply="Welcome to No Nicks. What would you like?", at=at)
    InteractionFactory(
        **turn,
        outcome="clarify_product",
        slots={"Product": "the extra sensitive double edge safety razor starter set refill"},
        reply="Sorry, I didn't catch which product you mean. Which one would you like?",
        at=at + timedelta(seconds=6),
    )
    session_ended("USER_INITIATED", **turn, at=at + timedelta(seconds=20))
    return session_id


def _rows_of_the_platform() -> None:
    """A row in the lists only superusers open (the Celery schedule, login attempts, groups),
    so that their change pages are walked too."""
    crontab = CrontabSchedule.objects.create(minute="0", hour="3")
    IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    SolarSchedule.objects.create(
        event="sunrise", latitude=Decimal("47.6"), longitude=Decimal("-122.3")
    )
    PeriodicTask.objects.create(
        name="Nightly roll-up", task="analytics.tasks.rollup_recent_days", crontab=crontab
    )
    attempt = {"username": "mallory", "ip_address": "203.0.113.7", "user_agent": "curl/8"}
    AccessAttempt.objects.create(**attempt, failures_since_start=3, path_info="/admin/login/")
    AccessLog.objects.create(**attempt, path_info="/admin/login/")
    AccessFailureLog.objects.create(**attempt, path_info="/admin/login/")
    Group.objects.create(name="Platform staff")


def seed_walk() -> dict[str, list[str]]:
    """Seed the demo and return the values of the portal's address parameters, keyed
    "url-name.parameter" where the parameter's meaning depends on the page, else
    "parameter" (see ``portal_walk._fill``)."""
    demo = seed_demo_store().store
    seed_demo_shoppers(demo, password=DEMO_PASSWORD)
    seed_demo_isp(demo)
    seed_history(demo, days=HISTORY_DAYS)
    roll_up_history(demo, days=HISTORY_DAYS)
    endpoint_id = _rows_the_demo_leaves_empty(demo)
    _rows_of_the_platform()
    get_user_model().objects.create_superuser("root", "root@example.com", DEMO_PASSWORD)
    now = timezone.now()
    run = CertificationRun.objects.create(
        store=demo,
        status=CertificationRunStatus.PASSED,
        progress_done=14,
        progress_total=14,
        finished_at=now - timedelta(minutes=5),
    )
    order = Order.objects.filter(store=demo, placed_at__isnull=False).order_by("-pk").first()
    plan = RefillPlan.objects.filter(store=demo).order_by("pk").first()
    assert order is not None
    session_id = _a_session_as_alexa_sends_it(demo, order.customer)
    # The walked order's shopper has an address as long as real ones get.
    order.customer.email = "alexandra.papadopoulou-henderson@shaving-supplies-wholesale.example.com"
    order.customer.save(update_fields=["email"])
    editor = StaffMembership.objects.get(store=demo, role=Role.CATALOG_EDITOR)
    owner = get_user_model().objects.get(username="owner")
    client = StoreAlexaClient.objects.filter(store=demo).first()
    params: dict[str, list[str]] = {
        "store_id": [str(demo.pk)],
        "slug": [demo.slug],
        "run_id": [str(run.pk)],
        "membership_id": [str(editor.pk)],
        "number": [order.number],
        "session_id": [session_id],
        "endpoint_id": [str(endpoint_id)],
        "id": [str(owner.pk)],  # the admin's password change of a user (superusers')
        "support:order_action.action": list(ORDER_ACTIONS),
        "support:plan_action.action": list(PLAN_ACTIONS),
        "isp_support:customer_purchases.pk": [str(order.customer_id)],
        "support:customer_detail.pk": [str(order.customer_id)],
    }
    for name in ("order_detail", "order_refund", "order_action"):
        params[f"support:{name}.pk"] = [str(order.pk)]
    if plan is not None:
        params["support:plan_action.pk"] = [str(plan.pk)]
    if client is not None:
        params["admin:linking_storealexaclient_rotate.pk"] = [str(client.pk)]
    return params
