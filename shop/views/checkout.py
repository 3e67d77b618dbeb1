"""Checkout: the cart priced as the voice flow prices it, an address from the address book,
a saved card (or "add a card"), place the order.

Placing is ``shoppers.services.checkout_cart``: it locks the cart, so a form posted twice
(a double click, two tabs) places one order and the second finds the cart empty. A card
that needs the shopper (3-D Secure) leaves the order a draft and the shopper finishes on
the cards app's page (``finish_url``).
"""

from urllib.parse import urlsplit, urlunsplit

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from cards import selectors as card_reads
from cards.errors import CardDeclined, CardNeedsAuthentication
from merchant.models import PaymentMode
from shoppers import selectors as shopper_reads
from shoppers import services as shoppers
from shoppers.errors import CheckoutError, CheckoutErrorCode

from .. import selectors
from ..forms import CheckoutForm
from ..pages import SignedInRequest, render_page, shopper_page

SOURCE = "web"
RETRY = "choose another card, or try again in a moment."


@require_http_methods(["GET", "POST"])
@shopper_page
def checkout(request: SignedInRequest) -> HttpResponse:
    account = request.shopper
    customer = account.customer
    summary = shopper_reads.cart_summary(customer)
    addresses = list(account.addresses.order_by("-is_default", "pk"))
    cards = card_reads.customer_cards(customer)
    pay_on_delivery = request.store.payment_mode == PaymentMode.PAY_ON_DELIVERY
    card_required = not pay_on_delivery
    if request.method == "POST":
        form = CheckoutForm(
            request.POST, addresses=addresses, cards=cards, card_required=card_required
        )
        if form.is_valid():
            address = next(a for a in addresses if a.pk == form.cleaned_data["address"])
            card = next((c for c in cards if c.pk == form.cleaned_data["card"]), None)
            try:
                result = shoppers.checkout_cart(
                    account=account,
                    address=address,
                    card=card,
                    source=SOURCE,
                    locale=request.store.default_locale,
                )
            except CardNeedsAuthentication as exc:
                # The finishing page is on this site; its link in the email is absolute.
                finish = urlsplit(exc.finish_url)
                return redirect(urlunsplit(("", "", finish.path, finish.query, "")))
            except CardDeclined as exc:
                form.add_error("card", f"{exc.message} Nothing was charged: {RETRY}")
            except CheckoutError as exc:
                just_placed = selectors.recent_web_order(customer=customer)
                if exc.code == CheckoutErrorCode.EMPTY_CART and just_placed is not None:
                    # The same form posted twice (a double click, a second tab): the first
                    # placed the order and emptied the cart; show that order.
                    return redirect("shop:order", request.store.slug, just_placed.number)
                form.add_error(None, exc.message)
            else:
                order = result.order
                messages.success(request, f"Thank you! Order {order.number} is placed.")
                return redirect("shop:order", request.store.slug, order.number)
    else:
        # customer_cards lists the default card first.
        default_card = next((c for c in cards if c.is_default), None)
        default_address = next(
            (a for a in addresses if a.is_default), addresses[0] if addresses else None
        )
        form = CheckoutForm(
            initial={
                "address": default_address.pk if default_address else None,
                "card": default_card.pk if default_card else None,
            },
            addresses=addresses,
            cards=cards,
            card_required=card_required,
        )
    return render_page(
        request,
        "shop/checkout.html",
        {
            "summary": summary,
            "addresses": addresses,
            "cards": cards,
            "pay_on_delivery": pay_on_delivery,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )
