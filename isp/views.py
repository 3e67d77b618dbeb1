"""The support console's page of a shopper's in-skill purchases: entitlements and
subscriptions as the skill last saw them at Amazon, consumable inventory with its ledger,
purchase results, and the goodwill form (units granted with a reason, audited on the
ledger with the agent). Support staff of the shopper's store only (orders area, like the
rest of the support console: a catalog editor gets 403); granting units gives value away, so
it needs the refund permission as refunds do (without it the form is not offered and a post
is a 403); another store's shopper is a 404,
like the customer page it is linked from. Products are shown by their name in the
shopper's locale and the reference name Amazon and the skill use."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from merchant.models import Area
from merchant.selectors import user_can
from orders.selectors import customer_for_staff, staff_store_ids

from . import selectors, services
from .errors import IspError, error_message
from .facts import ProductType
from .models import InSkillProduct, IspEntitlement, IspPurchaseResult


class GoodwillForm(forms.Form):
    product = forms.ModelChoiceField(
        queryset=InSkillProduct.objects.none(),
        error_messages={
            "required": "Choose the consumable to grant units of.",
            "invalid_choice": "Choose one of this store's consumables.",
        },
    )
    units = forms.IntegerField(
        min_value=1,
        max_value=services.MAX_GOODWILL_UNITS,
        error_messages={"required": "Say how many units to grant."},
    )
    reason = forms.CharField(
        max_length=200,
        help_text="Why: shown on the ledger.",
        error_messages={"required": "Say why the units are granted."},
    )

    def __init__(self, *args, store, names: dict, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[InSkillProduct]", self.fields["product"])
        field.queryset = InSkillProduct.objects.filter(
            store=store, type=ProductType.CONSUMABLE
        ).order_by("reference_name")
        # The label per instance, without a ModelChoiceField subclass.
        field.label_from_instance = lambda product: names.get(  # type: ignore[method-assign,assignment]
            product.pk, str(product)
        )


def _product_names(products, locale: str) -> dict[int, str]:
    """Product id -> "Name in the locale · reference_name" (the reference name alone when the
    product has no texts yet)."""
    names = {}
    for product in products:
        texts = product.texts(locale)
        name = texts.name if texts and texts.name else ""
        names[product.pk] = f"{name} · {product.reference_name}" if name else product.reference_name
    return names


@login_required
@require_http_methods(["GET", "POST"])
def customer_purchases(request, pk: int):
    if not staff_store_ids(user=request.user):
        raise PermissionDenied("You do not work on orders.")
    customer = customer_for_staff(user=request.user, pk=pk)
    may_grant = user_can(user=request.user, store=customer.store, area=Area.REFUNDS)
    if request.method == "POST" and not may_grant:
        raise PermissionDenied("Granting units gives value away: it needs the refund permission.")
    products = selectors.store_products(store=customer.store)
    names = _product_names(products, customer.locale)
    form = GoodwillForm(request.POST or None, store=customer.store, names=names)
    if request.method == "POST" and form.is_valid():
        product, units = form.cleaned_data["product"], form.cleaned_data["units"]
        try:
            balance = services.consumable_goodwill_grant(
                customer=customer,
                product=product,
                units=units,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except IspError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(
                request,
                f"{units} unit{'s' if units != 1 else ''} of {names.get(product.pk, product)} "
                f"granted: {balance} left.",
            )
            return redirect("isp_support:customer_purchases", pk=customer.pk)
    entitlements = selectors.customer_entitlements(customer=customer)
    inventory = selectors.consumable_inventory(customer=customer)
    results = selectors.customer_purchase_results(customer=customer)
    rows: list[IspEntitlement | selectors.Inventory | IspPurchaseResult]
    rows = [*entitlements, *inventory, *results]
    for row in rows:
        # For the template.
        row.product_name = names.get(row.product.pk, str(row.product))  # type: ignore[union-attr]
    return render(
        request,
        "support/customer_purchases.html",
        {
            "customer": customer,
            "one_time": [e for e in entitlements if e.product.type == ProductType.ENTITLEMENT],
            "subscriptions": [
                e for e in entitlements if e.product.type == ProductType.SUBSCRIPTION
            ],
            "inventory": inventory,
            "results": results,
            "form": form,
            "sells_consumables": any(p.type == ProductType.CONSUMABLE for p in products),
            "may_grant": may_grant,
        },
        status=400 if request.method == "POST" else 200,
    )
