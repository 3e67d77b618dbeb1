"""The support console (/support/): order list, order detail, the actions staff take, the
refund-request queue, customer pages and the CSV export.

Why not the Django admin: the admin's changelist counts the whole table on every page and
pages by OFFSET, both slow on a million orders, and its actions have no per-order form with
a confirmation step. These views page by keyset, cap the count, and call the services in
``orders/services/`` for every change; the admin stays read-only for orders.

Scoping: every view starts from the stores the user may work on (``merchant.selectors``).
Another store's order is a 404, also by URL; a user with no orders area (a catalog editor)
gets 403; refunding needs the refunds area (owner, or support agent with ``can_refund``).
"""

import csv
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from merchant.models import Area, PaymentMode
from merchant.money import display
from merchant.selectors import user_can

from . import services
from .errors import OrderError, OrderErrorCode, error_message
from .forms import (
    CancelForm,
    ConfirmForm,
    NoteForm,
    RefundForm,
    ShipForm,
    SupportOrderFilter,
)
from .models import (
    OrderEvent,
    OrderEventType,
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentTransaction,
)
from .selectors import (
    CART_STATUSES,
    COUNT_CAP,
    PAGE_SIZE,
    last_declined_payment,
    order_for_staff,
    order_refund_by_reference,
    orders_for_staff,
    staff_store_ids,
    with_decline_reason,
)
from .templatetags.order_words import event_data_words


def store_ids_or_403(request, area=Area.ORDERS) -> list[int]:
    ids = staff_store_ids(user=request.user, area=area)
    if not ids:
        raise PermissionDenied("You do not work on orders.")
    return ids


def _can_refund(user, order) -> bool:
    return user_can(user=user, store=order.store, area=Area.REFUNDS)


# The list ------------------------------------------------------------------------------------


def _cursor(order) -> str:
    return f"{order.created_at.isoformat()}~{order.pk}"


def _after(qs, cursor: str):
    try:
        stamp_text, pk_text = cursor.rsplit("~", 1)
        stamp, pk = datetime.fromisoformat(stamp_text), int(pk_text)
    except ValueError as exc:
        raise Http404("Bad page cursor.") from exc
    return qs.filter(Q(created_at__lt=stamp) | Q(created_at=stamp, pk__lt=pk))


def _filtered(request, store_ids):
    """The list's filters on the staff member's orders; carts only when a filter asks for
    them (each then with the reason its payment was declined, if it was)."""
    with_carts = SupportOrderFilter.with_carts(request.GET)
    order_filter = SupportOrderFilter(
        request.GET,
        queryset=orders_for_staff(store_ids=store_ids, include_carts=with_carts),
        store_ids=store_ids,
    )
    qs = order_filter.qs if order_filter.is_valid() else order_filter.queryset.none()
    if with_carts:
        qs = with_decline_reason(qs)
    return order_filter, qs.order_by("-created_at", "-pk")


@login_required
def order_list(request):
    """Keyset pages of 50 (newest first) and a count capped at 10,000."""
    store_ids = store_ids_or_403(request)
    order_filter, qs = _filtered(request, store_ids)
    # An exact order number in the search box goes straight to that order.
    if request.GET.get("q", "").strip().isdigit() and not request.GET.get("after"):
        found = list(qs.values_list("pk", flat=True)[:2])
        if len(found) == 1:
            return redirect("support:order_detail", pk=found[0])
    page_qs = _after(qs, request.GET["after"]) if request.GET.get("after") else qs
    rows = list(page_qs.select_related("customer", "store")[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    count = qs.values("pk")[: COUNT_CAP + 1].count()
    params = request.GET.copy()
    params.pop("after", None)
    next_url = ""
    if has_next:
        params["after"] = _cursor(rows[-1])
        next_url = f"?{params.urlencode()}"
        params.pop("after")
    return render(
        request,
        "support/order_list.html",
        {
            "filter": order_filter,
            "orders": rows,
            "count": min(count, COUNT_CAP),
            "count_capped": count > COUNT_CAP,
            "next_url": next_url,
            "first_url": f"?{params.urlencode()}" if request.GET.get("after") else "",
            "export_url": f"{reverse('support:order_export')}?{params.urlencode()}",
            "many_stores": len(store_ids) > 1,
        },
    )


class _Echo:
    def write(self, value):
        return value


EXPORT_COLUMNS = [
    ("number", "number"),
    ("created_at", "created_at"),
    ("store", "store__slug"),
    ("customer", "customer__name"),
    ("email", "email"),
    ("status", "status"),
    ("payment_status", "payment_status"),
    ("currency", "currency"),
    ("total", "total"),
    ("captured", "captured_amount"),
    ("refunded", "refunded_amount"),
    ("test", "is_test"),
]


@login_required
def order_export(request):
    """The filtered list as CSV, streamed row by row from a server-side cursor."""
    store_ids = store_ids_or_403(request)
    _, qs = _filtered(request, store_ids)
    rows = qs.values_list(*[field for _, field in EXPORT_COLUMNS]).iterator(chunk_size=5000)
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow([name for name, _ in EXPORT_COLUMNS])
        for row in rows:
            yield writer.writerow(
                [value.isoformat() if isinstance(value, datetime) else value for value in row]
            )

    response = StreamingHttpResponse(stream(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="orders.csv"'
    return response


# The order ----------------------------------------------------------------------------------


@login_required
def order_detail(request, pk: int):
    """An order, or a checkout that was not completed (a cart), with its ledger and timeline
    in words."""
    store_ids_or_403(request)
    order = order_for_staff(user=request.user, pk=pk, include_carts=True)
    lines = list(order.lines.all())
    events = list(
        OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "pk")
    )
    line_names = {line.pk: line.name for line in lines}
    for event in events:
        event.details = event_data_words(  # type: ignore[attr-defined]  # for the template
            event.data, currency=order.currency, line_names=line_names
        )
    is_cart = order.status in CART_STATUSES
    return render(
        request,
        "support/order_detail.html",
        {
            "order": order,
            "is_cart": is_cart,
            "declined_payment": last_declined_payment(order) if is_cart else None,
            # A cart delivers where the shopper's Alexa settings say; an order kept its copy.
            "address": order.shipping_address
            or (order.customer.shipping_address if is_cart else {}),
            "lines": lines,
            "transactions": (transactions := list(order.transactions.all())),
            "has_chargebacks": any(t.kind == PaymentKind.CHARGEBACK for t in transactions),
            "events": events,
            "notes": [e for e in events if e.type == OrderEventType.NOTE],
            "refund_requests": list(order.refund_requests.all()),
            "can_refund": _can_refund(request.user, order) and order.can_refund(),
            "note_form": NoteForm(),
        },
    )


class Action:
    """One action of the order page: its guard (the model's ``can_...()``), the service it
    runs, and ``refused``: the code whose wording says why the guard refuses it now;
    ``over``: whether what the action does is already done for good (its page then says so
    and offers no form)."""

    def __init__(self, title, form, guard, run, done, explain="", refused=None, over=None):
        self.title, self.form, self.guard, self.run = title, form, guard, run
        self.done, self.explain, self.refused = done, explain, refused
        self.over = over or (lambda o: False)

    def refusal(self, order) -> str:
        """Why the action is not possible for the order as it is now ("" when it is)."""
        if self.guard(order):
            return ""
        if order.status in CART_STATUSES:
            return "This checkout was never completed: there is no order to act on yet."
        return self.refused(order).wording if self.refused else ""


ORDER_ACTIONS = {
    "cancel": Action(
        "Cancel order",
        CancelForm,
        lambda o: o.can_cancel(),
        lambda o, user, data: services.order_cancel(
            order=o, actor=user, restock=data["restock"], reason=data["reason"]
        ),
        "Order cancelled.",
        "Cancelling releases the Amazon Pay authorization, or refunds what was captured, "
        "and emails the shopper.",
        refused=lambda o: (
            OrderErrorCode.ALREADY_CANCELLED
            if o.status == OrderStatus.CANCELLED
            else OrderErrorCode.CANNOT_CANCEL
        ),
        over=lambda o: o.status == OrderStatus.CANCELLED,
    ),
    "ship": Action(
        "Mark shipped",
        ShipForm,
        lambda o: o.can_ship(),
        lambda o, user, data: services.order_ship(order=o, actor=user, **data),
        "Order marked shipped.",
        "The shopper gets the tracking number by email. A Charge Later payment is captured now.",
        refused=lambda o: OrderErrorCode.CANNOT_SHIP,
    ),
    "out_for_delivery": Action(
        "Mark out for delivery",
        ConfirmForm,
        lambda o: o.can_mark_out_for_delivery(),
        lambda o, user, data: services.order_mark_out_for_delivery(order=o, actor=user),
        "Order marked out for delivery.",
        "Shoppers who chose Alexa notifications hear that their order is on its way today.",
        refused=lambda o: OrderErrorCode.CANNOT_MARK_OUT_FOR_DELIVERY,
    ),
    "deliver": Action(
        "Mark delivered",
        ConfirmForm,
        lambda o: o.can_deliver(),
        lambda o, user, data: services.order_deliver(order=o, actor=user),
        "Order marked delivered.",
        refused=lambda o: OrderErrorCode.CANNOT_DELIVER,
    ),
    "capture": Action(
        "Capture payment",
        ConfirmForm,
        lambda o: o.can_capture(),
        lambda o, user, data: services.order_capture(order=o, actor=user),
        "Payment captured.",
        "Charges the authorized amount to the shopper's Amazon Pay payment method.",
        refused=lambda o: (
            OrderErrorCode.ALREADY_CAPTURED
            if o.captured_amount > 0
            else OrderErrorCode.CANNOT_CAPTURE
        ),
    ),
    "void": Action(
        "Release authorization",
        ConfirmForm,
        lambda o: o.can_void(),
        lambda o, user, data: services.order_void(order=o, actor=user),
        "Authorization released.",
        "The shopper's payment method is no longer held; the order can then not be charged.",
        refused=lambda o: OrderErrorCode.CANNOT_VOID,
    ),
    "collect": Action(
        "Mark payment collected",
        ConfirmForm,
        lambda o: o.can_mark_collected(),
        lambda o, user, data: services.order_mark_collected(order=o, actor=user),
        "Payment recorded as collected.",
        "Records that the order total was paid on delivery.",
        refused=lambda o: OrderErrorCode.CANNOT_COLLECT,
    ),
    "note": Action(
        "Add internal note",
        NoteForm,
        lambda o: True,
        lambda o, user, data: services.order_add_note(order=o, actor=user, text=data["text"]),
        "Note added.",
        "Notes are internal and cannot be edited or deleted later.",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def order_action(request, pk: int, action: str):
    """The confirmation step of an action; an action the order's guard refuses now shows
    why, with its confirm button disabled."""
    store_ids_or_403(request)
    order = order_for_staff(user=request.user, pk=pk, include_carts=True)
    spec = ORDER_ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action.")
    form = spec.form(request.POST if request.method == "POST" else None)
    allowed = spec.guard(order)
    if request.method == "POST" and form.is_valid():
        try:
            spec.run(order, request.user, form.cleaned_data)
        except OrderError as exc:
            form.add_error(None, error_message(exc))
            order.refresh_from_db()
        else:
            messages.success(request, spec.done)
            return redirect("support:order_detail", pk=order.pk)
        allowed = spec.guard(order)
    return render(
        request,
        "support/order_action.html",
        {
            "order": order,
            "form": form,
            "action": spec,
            "allowed": allowed,
            "over": spec.over(order),
            "refusal": spec.refusal(order),
        },
        status=400 if request.method == "POST" else 200,
    )


def _refund_sent_message(order, refund: PaymentTransaction) -> str:
    """The words and amount of the timeline's entry for the refund just made: pay-on-delivery
    money goes back by hand and the refund is booked at once; Amazon Pay refunds start
    pending and complete shortly."""
    amount = display(refund.amount, refund.currency)
    if refund.state != PaymentState.SUCCEEDED:
        return f"{OrderEventType.REFUND_PENDING.label}: {amount}; Amazon Pay completes it shortly."
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY:
        return (
            f"{OrderEventType.REFUND_COMPLETED.label}: {amount}; "
            "give the money back to the shopper directly."
        )
    return f"{OrderEventType.REFUND_COMPLETED.label}: {amount}."


@login_required
@require_http_methods(["GET", "POST"])
def order_refund(request, pk: int):
    """Step 1: choose amount or lines and a reason. Step 2: confirm the exact amount."""
    store_ids_or_403(request)
    order = order_for_staff(user=request.user, pk=pk)
    if not _can_refund(request.user, order):
        raise PermissionDenied("Refunds need the refund permission.")
    lines = list(order.lines.all())
    form = RefundForm(request.POST if request.method == "POST" else None, order=order, lines=lines)
    if request.method == "POST" and form.is_valid():
        amount, quantities = form.cleaned_data["amount"], form.quantities()
        try:
            if "confirm" in request.POST:
                done = order_refund_by_reference(order=order, reference_id=form.cleaned_data["key"])
                if done is not None:  # the same form sent again (a double click, a reload)
                    messages.info(
                        request,
                        f"This refund of {display(done.amount, done.currency)} was already "
                        "made; nothing more was refunded.",
                    )
                    return redirect("support:order_detail", pk=order.pk)
                refund = services.order_refund(
                    order=order,
                    amount=amount,
                    lines=quantities or None,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    reference_id=form.cleaned_data["key"],
                )
                messages.success(request, _refund_sent_message(order, refund))
                return redirect("support:order_detail", pk=order.pk)
            if amount is None:
                amount = (
                    services.refund_amount_for_lines(order, lines, quantities)
                    if quantities
                    else order.refundable_amount()
                )
            return render(
                request,
                "support/order_refund_confirm.html",
                {
                    "order": order,
                    "form": form,
                    "amount": amount,
                    "lines": lines,
                    "quantities": quantities,
                },
            )
        except OrderError as exc:
            form.add_error(None, error_message(exc))
            order.refresh_from_db()
    return render(
        request,
        "support/order_refund.html",
        {"order": order, "form": form, "refusal": _refund_refusal(order)},
        status=400 if request.method == "POST" else 200,
    )


def _refund_refusal(order) -> str:
    """Why nothing can be refunded now ("" when something can)."""
    if order.can_refund():
        return ""
    if order.charged_back_amount > 0:
        return error_message(services.refund_limit_error(order, nothing_left=True))
    return OrderErrorCode.CANNOT_REFUND.wording.format(
        refundable=display(order.refundable_amount(), order.currency)
    )
