"""The shopper's account: overview, address book, saved cards, linked Alexa and shopping
agents, the voice purchase code, download my data, delete my account. Every id in a URL is
looked up among the signed-in shopper's own rows (a shopping agent among the store's):
another shopper's or another store's answers 404."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cards import selectors as card_reads
from cards import services as cards
from cards.errors import CardError
from cards.models import SavedCard
from cards.web import allow_stripe_js
from linking import selectors as linking_reads
from linking import services as linking
from shoppers import forms as shopper_forms
from shoppers import selectors as shopper_reads
from shoppers import services as shoppers
from shoppers.models import ShopperAddress

from ..forms import AddressForm, PasswordConfirmForm
from ..pages import SignedInRequest, render_page, shopper_page


def _address(request: SignedInRequest, address_id: int) -> ShopperAddress:
    address = request.shopper.addresses.filter(pk=address_id).first()
    if address is None:
        raise Http404("No such address.")
    return address


def _card(request: SignedInRequest, card_id: int) -> SavedCard:
    card = card_reads.customer_card(request.shopper.customer, card_id)
    if card is None:
        raise Http404("No such card.")
    return card


def _next_or(request: SignedInRequest, fallback: str) -> str:
    """``?next=`` when it is a path of this site (checkout sends the shopper here and back)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@require_GET
@shopper_page
def account(request: SignedInRequest) -> HttpResponse:
    shopper = request.shopper
    return render_page(
        request,
        "shop/account.html",
        {
            "addresses": list(shopper.addresses.order_by("-is_default", "pk")),
            "cards": card_reads.customer_cards(shopper.customer),
            "linked": linking_reads.account_is_linked(shopper),
            "platforms": linking_reads.platforms_linked_to_account(shopper),
            "voice_code_set": shopper_reads.voice_code_is_set(shopper),
        },
    )


@require_POST
@shopper_page
def resend_verification(request: SignedInRequest) -> HttpResponse:
    if request.shopper.is_verified:
        messages.info(request, "Your email is already confirmed.")
    else:
        shoppers.account_send_verification(account=request.shopper)
        messages.success(request, f"A new link is on its way to {request.shopper.email}.")
    return redirect("shop:account", request.store.slug)


# The address book ------------------------------------------------------------------------------


def _address_fields(form: AddressForm) -> dict[str, object]:
    return {key: form.cleaned_data[key] for key in form.fields if key != "is_default"}


@require_http_methods(["GET", "POST"])
@shopper_page
def address_add(request: SignedInRequest) -> HttpResponse:
    form = AddressForm(
        request.POST or None,
        initial={"name": request.shopper.name, "country": _home_country(request)},
    )
    if request.method == "POST" and form.is_valid():
        shoppers.address_add(
            account=request.shopper,
            is_default=form.cleaned_data["is_default"],
            **_address_fields(form),
        )
        messages.success(request, "The address is in your address book.")
        return redirect(_next_or(request, reverse("shop:account", args=[request.store.slug])))
    return render_page(
        request,
        "shop/address_form.html",
        {"form": form, "next": _next_or(request, "")},
        status=400 if form.is_bound else 200,
    )


def _home_country(request: SignedInRequest) -> str:
    country = request.store.country_of_establishment
    return "GB" if country == "UK" else country


@require_http_methods(["GET", "POST"])
@shopper_page
def address_edit(request: SignedInRequest, address_id: int) -> HttpResponse:
    address = _address(request, address_id)
    initial = {key: getattr(address, key) for key in AddressForm.base_fields}
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        shoppers.address_update(account=request.shopper, address=address, **_address_fields(form))
        if form.cleaned_data["is_default"] and not address.is_default:
            shoppers.address_set_default(account=request.shopper, address=address)
        messages.success(request, "The address is saved.")
        return redirect("shop:account", request.store.slug)
    return render_page(
        request,
        "shop/address_form.html",
        {"form": form, "address": address},
        status=400 if form.is_bound else 200,
    )


@require_POST
@shopper_page
def address_delete(request: SignedInRequest, address_id: int) -> HttpResponse:
    shoppers.address_delete(account=request.shopper, address=_address(request, address_id))
    messages.success(request, "The address is out of your address book.")
    return redirect("shop:account", request.store.slug)


@require_POST
@shopper_page
def address_default(request: SignedInRequest, address_id: int) -> HttpResponse:
    shoppers.address_set_default(account=request.shopper, address=_address(request, address_id))
    messages.success(request, "Orders go to this address unless you choose another.")
    return redirect("shop:account", request.store.slug)


# Saved cards -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@shopper_page
def card_add(request: SignedInRequest) -> HttpResponse:
    """Stripe's own card element (the cards app's include) confirms a SetupIntent in the
    browser and posts its id here; the card number never reaches this server."""
    customer = request.shopper.customer
    error = ""
    if request.method == "POST":
        setup_intent_id = request.POST.get("setup_intent_id", "").strip()
        if not setup_intent_id:
            error = "The card was not saved: fill in the card details and try again."
        else:
            try:
                card = cards.card_save(customer=customer, setup_intent_id=setup_intent_id)
            except CardError as exc:
                error = f"The card was not saved: {exc.message}"
            else:
                messages.success(request, f"{card.describe()} is saved.")
                return redirect(
                    _next_or(request, reverse("shop:account", args=[request.store.slug]))
                )
    try:
        setup = cards.card_setup_start(customer=customer)
    except CardError as exc:  # no Stripe keys for this store, or Stripe unreachable
        messages.error(request, f"Cards cannot be added at the moment: {exc.message}")
        return redirect("shop:account", request.store.slug)
    response = render_page(
        request,
        "shop/card_form.html",
        {
            "card_setup": setup,
            "card_save_url": request.get_full_path(),
            "error": error,
            "next": _next_or(request, ""),
        },
        status=400 if error else 200,
    )
    allow_stripe_js(response, request.store)
    return response


@require_POST
@shopper_page
def card_remove(request: SignedInRequest, card_id: int) -> HttpResponse:
    card = _card(request, card_id)
    try:
        cards.card_remove(customer=request.shopper.customer, card=card)
    except CardError as exc:
        messages.error(request, f"{card.describe()} was not removed: {exc.message}")
    else:
        messages.success(request, f"{card.describe()} is removed from your account.")
    return redirect("shop:account", request.store.slug)


@require_POST
@shopper_page
def card_default(request: SignedInRequest, card_id: int) -> HttpResponse:
    card = _card(request, card_id)
    cards.card_set_default(customer=request.shopper.customer, card=card)
    messages.success(request, f"{card.describe()} pays unless you choose another card.")
    return redirect("shop:account", request.store.slug)


# Alexa and shopping agents, the voice purchase code ---------------------------------------------


@require_POST
@shopper_page
def unlink(request: SignedInRequest) -> HttpResponse:
    linking.account_unlink(account=request.shopper)
    messages.success(request, "Alexa is no longer linked to your account.")
    return redirect("shop:account", request.store.slug)


@require_POST
@shopper_page
def platform_unlink(request: SignedInRequest, client_id: int) -> HttpResponse:
    """Unlink a shopping agent (UCP identity linking) from the account."""
    client = linking_reads.platform_client_by_id(request.store, client_id)
    if client is None:
        raise Http404("No such shopping agent.")
    linking.account_platform_unlink(account=request.shopper, client=client)
    messages.success(request, f"{client.name} is no longer linked to your account.")
    return redirect("shop:account", request.store.slug)


@require_http_methods(["GET", "POST"])
@shopper_page
def voice_code(request: SignedInRequest) -> HttpResponse:
    form = shopper_forms.VoiceCodeForm(request.POST or None, account=request.shopper)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, "Your voice purchase code is set. Alexa asks for it before paying."
        )
        return redirect("shop:account", request.store.slug)
    return render_page(
        request,
        "shop/voice_code.html",
        {"form": form, "locked": shopper_reads.voice_code_locked(request.shopper)},
        status=400 if form.is_bound else 200,
    )


# Your data ----------------------------------------------------------------------------------------


@require_GET
@shopper_page
def data_download(request: SignedInRequest) -> HttpResponse:
    data = shopper_reads.account_export(request.shopper)
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    name = f"{request.store.slug}-my-data-{stamp}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@shopper_page
def delete_account(request: SignedInRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.shopper.user.check_password(form.cleaned_data["password"]):
            form.add_error("password", "That is not your password.")
        else:
            store = request.store
            shoppers.account_delete(account=request.shopper)
            logout(request)
            messages.success(
                request,
                "Your account is deleted. Orders you placed stay on record without your details.",
            )
            return redirect("shop:home", store.slug)
    return render_page(
        request, "shop/delete_account.html", {"form": form}, status=400 if form.is_bound else 200
    )
