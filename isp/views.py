"""The support console's page of a shopper's in-skill purchases: entitlements and
subscriptions as the skill last saw them at Amazon, consumable inventory with its ledger,
purchase results, and the goodwill form (units granted with a reason, audited on the
ledger). Support staff of the shopper's store only (orders area); another store's shopper is
a 404, like the customer page it is linked from."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orders.selectors import customer_for_staff, staff_store_ids

from . import selectors, services
from .errors import IspError, error_message
from .facts import ProductType
from .models import InSkillProduct


class GoodwillForm(forms.Form):
    product = forms.ModelChoiceField(queryset=InSkillProduct.objects.none())
    units = forms.IntegerField(min_value=1, max_value=services.MAX_GOODWILL_UNITS)
    reason = forms.CharField(max_length=200, help_text="Why: shown on the ledger.")

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = InSkillProduct.objects.filter(
            store=store, type=ProductType.CONSUMABLE
        )


@login_required
@require_http_methods(["GET", "POST"])
def customer_purchases(request, pk: int):
    if not staff_store_ids(user=request.user):
        raise PermissionDenied("You do not work on orders.")
    customer = customer_for_staff(user=request.user, pk=pk)
    form = GoodwillForm(request.POST or None, store=customer.store)
    if request.method == "POST" and form.is_valid():
        try:
            balance = services.consumable_goodwill_grant(
                customer=customer,
                product=form.cleaned_data["product"],
                units=form.cleaned_data["units"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except IspError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, f"Units granted: {balance} left.")
            return redirect("isp_support:customer_purchases", pk=customer.pk)
    entitlements = selectors.customer_entitlements(customer=customer)
    return render(
        request,
        "support/customer_purchases.html",
        {
            "customer": customer,
            "one_time": [e for e in entitlements if e.product.type == ProductType.ENTITLEMENT],
            "subscriptions": [
                e for e in entitlements if e.product.type == ProductType.SUBSCRIPTION
            ],
            "inventory": selectors.consumable_inventory(customer=customer),
            "results": selectors.customer_purchase_results(customer=customer),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
