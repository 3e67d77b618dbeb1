"""The shopper's orders (every channel: web, voice, support) and refill plans, with the
changes a shopper may make: cancel before shipping, ask for a refund, pause, resume or
cancel a plan. Each is the orders app's own service, acting as the shopper."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from orders import services as orders
from orders.errors import OrderError, OrderErrorCode
from orders.events import SHOPPER

from .. import selectors
from ..forms import page_number
from ..pages import SignedInRequest, render_page, shopper_page

# A refusal in the shopper's words (the orders app's wording speaks to staff).
REFUSALS = {
    OrderErrorCode.ALREADY_CANCELLED: "This order is already cancelled.",
    OrderErrorCode.CANNOT_CANCEL: (
        "This order has shipped, so it can no longer be cancelled. Ask for a refund instead."
    ),
    OrderErrorCode.PLAN_NOT_ACTIVE: "Only an active plan can be paused or skipped.",
    OrderErrorCode.PLAN_NOT_PAUSED: "Only a paused plan can be resumed.",
    OrderErrorCode.PLAN_ALREADY_CANCELLED: "This plan is already cancelled.",
}
WEB = "web"


def _refusal(exc: OrderError) -> str:
    return REFUSALS.get(exc.code, "That cannot be done now. Reload the page and try again.")


@require_GET
@shopper_page
def order_list(request: SignedInRequest) -> HttpResponse:
    page = selectors.shopper_orders(
        customer=request.shopper.customer, page=page_number(request.GET)
    )
    return render_page(request, "shop/orders.html", {"page": page})


@require_GET
@shopper_page
def order_detail(request: SignedInRequest, number: str) -> HttpResponse:
    order = selectors.shopper_order(customer=request.shopper.customer, number=number)
    return render_page(
        request,
        "shop/order.html",
        {"order": order, "refund_request": selectors.open_refund_request(order)},
    )


@require_POST
@shopper_page
def order_cancel(request: SignedInRequest, number: str) -> HttpResponse:
    order = selectors.shopper_order(customer=request.shopper.customer, number=number)
    try:
        orders.order_cancel(
            order=order, actor_label=SHOPPER, reason="Cancelled by the shopper in the web shop"
        )
    except OrderError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, f"Order {order.number} is cancelled.")
    return redirect("shop:order", request.store.slug, order.number)


@require_POST
@shopper_page
def order_refund_request(request: SignedInRequest, number: str) -> HttpResponse:
    order = selectors.shopper_order(customer=request.shopper.customer, number=number)
    if selectors.open_refund_request(order) is not None:
        messages.info(request, "You already asked for a refund; the store will answer soon.")
    elif not order.can_refund():
        messages.error(request, "Nothing on this order can be refunded.")
    else:
        orders.refund_request_create(customer=request.shopper.customer, order=order, channel=WEB)
        messages.success(request, "Your refund request is with the store; they will email you.")
    return redirect("shop:order", request.store.slug, order.number)


@require_GET
@shopper_page
def refill_plans(request: SignedInRequest) -> HttpResponse:
    plans = selectors.shopper_refill_plans(customer=request.shopper.customer)
    return render_page(request, "shop/refill_plans.html", {"plans": plans})


PLAN_ACTIONS = {
    "pause": (orders.refill_plan_pause, "Your plan is paused; nothing is sent until you resume."),
    "resume": (orders.refill_plan_resume, "Your plan is running again."),
    "skip": (
        orders.refill_plan_skip,
        "The next refill is skipped; the one after comes as planned.",
    ),
    "cancel": (orders.refill_plan_cancel, "Your plan is cancelled."),
}


@require_POST
@shopper_page
def refill_plan_change(request: SignedInRequest, plan_id: int, action: str) -> HttpResponse:
    plan = selectors.shopper_refill_plan(customer=request.shopper.customer, plan_id=plan_id)
    service, done = PLAN_ACTIONS[action]
    try:
        service(plan=plan, actor_label=SHOPPER)
    except OrderError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, done)
    return redirect("shop:refill_plans", request.store.slug)
