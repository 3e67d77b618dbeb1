"""Paying by voice with a linked account's saved card (localstripe): a declined card, a card
that needs 3-D Secure, the store's voice purchase code (three wrong codes pause voice
purchases for 15 minutes), and a second device answering yes to a cart already ordered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cards import services as cards
from catalog.models import Product
from orders.models import Order, OrderStatus
from shoppers import selectors as shopper_selectors
from shoppers import services as shoppers
from shoppers.models import ShopperAccount
from skill.models import Conversation, Interaction, Step
from skill.testing.envelopes import speech_of

from .linked_shopper import DECLINED_ON_CHARGE, NEEDS_AUTHENTICATION

CODE = "4821"


def fill_cart(linked) -> None:
    shoppers.cart_add(customer=linked.account.customer, product=Product.objects.get(sku="NN-KIT"))


def use_card(linked, number: str) -> None:
    card = cards.card_save_for_test(customer=linked.account.customer, number=number)
    cards.card_set_default(customer=linked.account.customer, card=card)


def placed_orders() -> list[Order]:
    return list(Order.objects.exclude(status=OrderStatus.DRAFT))


def cart_skus(linked) -> list[str]:
    return [line.product.sku for line in shopper_selectors.cart_lines(linked.account.customer)]


def require_code(linked) -> None:
    linked.store.voice_purchase_code_required = True
    linked.store.save(update_fields=["voice_purchase_code_required"])
    shoppers.voice_code_set(account=linked.account, code=CODE)


def say_code(linked, code: str) -> dict:
    return linked.shopper.say("VoicePurchaseCodeIntent", Code={"name": "Code", "value": code})


@pytest.mark.django_db
def test_a_declined_card_is_said_plainly_and_nothing_is_placed(linked):
    use_card(linked, DECLINED_ON_CHARGE)
    fill_cart(linked)
    summary = linked.shopper.say("OrderCartIntent")
    assert "I'll charge your Visa ending in 0341" in speech_of(summary)
    answer = linked.shopper.yes()
    assert speech_of(answer) == (
        "Your Visa ending in 0341 was declined, so your order has not been placed and you have "
        "not been charged. You can use another card in our web shop."
    )
    assert placed_orders() == []
    assert cart_skus(linked) == ["NN-KIT"]
    assert Interaction.objects.order_by("id").last().outcome == "card_declined"


@pytest.mark.django_db
def test_a_card_needing_authentication_sends_a_link_and_places_nothing(linked):
    use_card(linked, NEEDS_AUTHENTICATION)
    fill_cart(linked)
    linked.shopper.say("OrderCartIntent")
    answer = linked.shopper.yes()
    assert speech_of(answer) == (
        "Your bank wants you to confirm this payment, so I sent a link to finish on your "
        "phone. It's in the Alexa app and in your email. Your order is placed once you finish "
        "there."
    )
    card = answer["response"]["card"]
    assert (card["type"], card["title"]) == ("Standard", "Finish your payment")
    link = card["text"].split("Finish it here: ", 1)[1].split("\n", 1)[0]
    assert link.startswith("http") and f"/shop/{linked.store.slug}/pay/" in link
    assert placed_orders() == []
    draft = Order.objects.get(customer=linked.account.customer)
    assert draft.status == OrderStatus.DRAFT


@pytest.mark.django_db
def test_the_voice_code_is_asked_before_the_card_is_charged(linked):
    require_code(linked)
    fill_cart(linked)
    linked.shopper.say("OrderCartIntent")
    asked = linked.shopper.yes()
    assert speech_of(asked) == "Please say your four-digit voice purchase code."
    assert Conversation.objects.get().step == Step.CART_ORDER_CODE
    assert placed_orders() == []
    done = say_code(linked, CODE)
    assert speech_of(done).startswith("Done. ")
    assert len(placed_orders()) == 1
    logged = Interaction.objects.get(intent="VoicePurchaseCodeIntent")
    assert logged.slots == {"Code": "(not logged)"}


@pytest.mark.django_db
def test_three_wrong_codes_pause_voice_purchases_for_15_minutes(linked):
    require_code(linked)
    fill_cart(linked)
    linked.shopper.say("OrderCartIntent")
    linked.shopper.yes()
    first = say_code(linked, "1111")
    assert speech_of(first) == (
        "That code isn't right. Please say your four-digit voice purchase code again."
    )
    assert speech_of(say_code(linked, "2222")) == speech_of(first)
    third = say_code(linked, "3333")
    assert speech_of(third) == (
        "That code isn't right either. After three wrong codes, voice purchases stop for 15 "
        "minutes. Nothing was ordered and you have not been charged."
    )
    assert third["response"]["shouldEndSession"] is True
    account = ShopperAccount.objects.get(pk=linked.account.pk)
    assert account.voice_code_locked_until is not None
    left = account.voice_code_locked_until - timezone.now()
    assert timedelta(minutes=14) < left <= timedelta(minutes=15)
    # The right code now changes nothing; ordering again is refused until the pause ends.
    again = linked.shopper.say("OrderCartIntent")
    assert speech_of(again) == (
        "Voice purchases are paused after three wrong codes. Please try again in 15 minutes."
    )
    assert placed_orders() == []
    assert cart_skus(linked) == ["NN-KIT"]


@pytest.mark.django_db
def test_a_store_asking_for_a_code_refuses_an_account_without_one(linked):
    linked.store.voice_purchase_code_required = True
    linked.store.save(update_fields=["voice_purchase_code_required"])
    fill_cart(linked)
    answer = linked.shopper.say("OrderCartIntent")
    assert speech_of(answer) == (
        "This store asks for a voice purchase code before it charges your card, and you "
        "haven't set one yet. You can set it on your account page in our web shop."
    )
    assert Conversation.objects.get().step == Step.IDLE


@pytest.mark.django_db
def test_a_code_nobody_asked_for_does_nothing(linked):
    answer = say_code(linked, "1234")
    assert speech_of(answer) == "I didn't ask for a code just now. What would you like to do?"
    assert placed_orders() == []


@pytest.mark.django_db
def test_the_second_device_saying_yes_hears_the_cart_was_ordered(linked, client):
    fill_cart(linked)
    kitchen = linked.shopper
    hall = linked.device(client, "amzn1.ask.device.HALL")
    kitchen.say("OrderCartIntent")
    hall.say("OrderCartIntent")
    assert speech_of(kitchen.yes()).startswith("Done. ")
    # The hall's yes was read with the step both summaries left (the two turns overlapped):
    # its checkout finds the cart emptied by the kitchen's order.
    Conversation.objects.update(step=Step.CONFIRM_CART_ORDER)
    late = hall.yes()
    assert speech_of(late) == (
        "Your cart is empty now. If it was just ordered from another device, that order has "
        "gone through."
    )
    assert len(placed_orders()) == 1


@pytest.mark.django_db
def test_no_saved_card_and_no_address_are_said(linked):
    fill_cart(linked)
    cards.card_remove(customer=linked.account.customer, card=linked.card)
    assert speech_of(linked.shopper.say("OrderCartIntent")) == (
        "You don't have a saved card yet. Please add one on your account page in our web shop, "
        "then ask me again."
    )
    use_card(linked, "4242424242424242")
    for address in shopper_selectors.account_addresses(linked.account):
        shoppers.address_delete(account=linked.account, address=address)
    assert speech_of(linked.shopper.say("OrderCartIntent")) == (
        "I don't have a delivery address for you yet. Please add one on your account page in "
        "our web shop, then ask me again."
    )
    assert placed_orders() == []
