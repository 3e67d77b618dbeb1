"""The support console's customer side: the refund-request queue, a customer's page and
refill-plan actions. The order list and order pages are in ``views.py``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .customer_sections import customer_sections
from .errors import OrderError, error_message
from .forms import (
    ResolveForm,
)
from .models import RefillPlan, RefundRequest
from .selectors import (
    customer_for_staff,
    open_refund_requests,
    with_decline_reason,
)
from .views import store_ids_or_403

# Refund requests, customers, refill plans ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def refund_requests(request):
    store_ids = store_ids_or_403(request)
    errors = {}
    if request.method == "POST":
        refund_request = RefundRequest.objects.filter(
            pk=request.POST.get("request"), store_id__in=store_ids
        ).first()
        if refund_request is None:
            raise Http404("No such request.")
        form = ResolveForm(request.POST)
        if form.is_valid():
            try:
                services.refund_request_resolve(
                    refund_request=refund_request,
                    resolution=form.cleaned_data["resolution"],
                    actor=request.user,
                )
            except OrderError as exc:
                errors[refund_request.pk] = error_message(exc)
            else:
                messages.success(request, "Request resolved.")
                return redirect("support:refund_requests")
        else:
            errors[refund_request.pk] = "Say how the request was resolved."
    requests = list(open_refund_requests(store_ids=store_ids)[:200])
    for item in requests:
        item.error = errors.get(item.pk, "")  # type: ignore[attr-defined]  # for the template
    return render(request, "support/refund_requests.html", {"requests": requests})


@login_required
def customer_detail(request, pk: int):
    store_ids_or_403(request)
    customer = customer_for_staff(user=request.user, pk=pk)
    return render(
        request,
        "support/customer_detail.html",
        {
            "customer": customer,
            "orders": list(
                with_decline_reason(customer.orders.exclude(status="draft")).order_by(
                    "-created_at"
                )[:50]
            ),
            "plans": list(
                customer.refill_plans.select_related("product").prefetch_related("events")
            ),
            "refund_requests": list(customer.refund_requests.select_related("order")),
            "customer_events": list(customer.events.select_related("actor")),
            "sections": customer_sections(customer),
        },
    )


PLAN_ACTIONS = {
    "pause": ("Pause refill plan", services.refill_plan_pause, "Plan paused."),
    "resume": ("Resume refill plan", services.refill_plan_resume, "Plan resumed."),
    "cancel": ("Cancel refill plan", services.refill_plan_cancel, "Plan cancelled."),
}


@login_required
@require_http_methods(["GET", "POST"])
def plan_action(request, pk: int, action: str):
    store_ids = store_ids_or_403(request)
    plan = (
        RefillPlan.objects.select_related("customer", "product")
        .filter(pk=pk, store_id__in=store_ids)
        .first()
    )
    if plan is None or action not in PLAN_ACTIONS:
        raise Http404("No such plan.")
    title, service, done = PLAN_ACTIONS[action]
    error = ""
    if request.method == "POST":
        try:
            service(plan=plan, actor=request.user)
        except OrderError as exc:
            error = error_message(exc)
        else:
            messages.success(request, done)
            return redirect("support:customer_detail", pk=plan.customer_id)
    return render(
        request,
        "support/plan_action.html",
        {"plan": plan, "title": title, "error": error},
        status=400 if error else 200,
    )
