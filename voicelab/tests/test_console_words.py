"""The voice console says what happened: the outcome of each Amazon Pay answer (a 200 may
still be a decline), what an answer without speech asks Amazon Pay to do, the card's lines,
and a link to the order a turn placed."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from demo.seed import DEMO_PASSWORD
from merchant.models import PaymentMode
from orders.models import Order, OrderStatus

TURN = "/console/turn/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(demo_store):
    client = Client()
    assert client.login(username="owner", password=DEMO_PASSWORD)
    return client


def say(client, action="text", text="", **extra):
    body = {"store": "no-nicks", "locale": "en-US", "action": action, "text": text, **extra}
    response = client.post(TURN, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_placed_order_shows_each_step_in_words_and_links_the_order(demo_store, owner):
    say(owner, text="order a starter kit")
    setup, setup_result = say(owner, "yes")["exchanges"]
    charge, charge_result = say(owner, "yes")["exchanges"]
    order = Order.objects.get(store=demo_store)
    total = f"{order.total} {order.currency}"

    assert (setup["speech"], setup["happened"]) == (
        "",
        "Alexa asks Amazon Pay to set up payment (Setup)",
    )
    assert setup_result["amazon_pay"]["summary"] == "Setup: billing agreement OPEN"
    assert "orders" not in setup_result
    assert (charge["speech"], charge["happened"]) == (
        "",
        f"Alexa asks Amazon Pay to charge {total} (Charge)",
    )
    assert charge_result["amazon_pay"]["summary"] == f"Charged {total} (captured at once)"
    assert charge_result["orders"] == [
        {
            "number": order.number,
            "status": "Placed",
            "url": reverse("support:order_detail", args=[order.pk]),
        }
    ]
    assert "orders" not in charge
    # The card keeps its lines (the page shows them with white-space: pre-line).
    assert charge_result["card"]["content"].split("\n")[:2] == [
        "Seller: No Nicks",
        f"Order number: {order.number}",
    ]
    assert owner.get(charge_result["orders"][0]["url"]).status_code == 200


def test_a_declined_charge_says_declined_and_why(demo_store, owner):
    say(owner, text="order a starter kit")
    say(owner, "yes")
    charge, result = say(owner, "yes", charge_outcome="Declined:InvalidPaymentMethod")["exchanges"]
    assert result["amazon_pay"]["status"] == {"code": "200", "message": "OK"}
    assert result["amazon_pay"]["summary"] == "Charge declined: InvalidPaymentMethod"
    assert "orders" not in result
    assert Order.objects.get(store=demo_store).status == OrderStatus.DRAFT


def test_a_refused_setup_names_the_error_and_its_status(demo_store, owner):
    say(owner, text="order a starter kit")
    _, result = say(owner, "yes", setup_outcome="ACCESS_DENIED")["exchanges"]
    assert result["amazon_pay"]["summary"] == "Setup failed: ACCESS_DENIED (HTTP 403)"


def test_a_suspended_agreement_is_not_usable(demo_store, owner):
    say(owner, text="order a starter kit")
    _, result = say(owner, "yes", setup_outcome="Agreement:SUSPENDED")["exchanges"]
    assert result["amazon_pay"]["summary"] == (
        "Setup: billing agreement SUSPENDED: not usable for payments"
    )


def test_charge_later_is_an_authorization(demo_store, owner):
    demo_store.payment_mode = PaymentMode.CHARGE_LATER
    demo_store.save()
    say(owner, text="order a starter kit")
    say(owner, "yes")
    _, result = say(owner, "yes")["exchanges"]
    order = Order.objects.get(store=demo_store)
    assert result["amazon_pay"]["summary"] == (
        f"Charge authorized: {order.total} {order.currency} (captured when the order ships)"
    )
    assert [o["number"] for o in result["orders"]] == [order.number]


def test_the_german_confirmation_card_names_the_product_in_german(demo_store, owner):
    def sag(action="text", text="", **extra):
        return say(owner, action, text, locale="de-DE", **extra)

    sag(text="ich brauche einen Rasierer")
    sag("yes")
    _, result = sag("yes")["exchanges"]
    content = result["card"]["content"]
    assert "1 × Starterset:" in content
    assert "No Nicks Starter Kit" not in content


def test_the_confirmation_card_gives_the_address_in_envelope_order(
    postgres_only, demo_store, owner
):
    say(owner, text="order a starter kit")
    say(owner, "yes")
    _, result = say(owner, "yes")["exchanges"]
    content = result["card"]["content"]
    assert "Delivery to: Sandbox Shopper, 410 Terry Ave N, Seattle, 98109\n" in content
