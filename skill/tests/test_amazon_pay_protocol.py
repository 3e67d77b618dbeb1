"""The Amazon Pay wire protocol (``skill.amazon_pay``) against the embedded sandbox: what the
builders send is what the sandbox reads, and what the sandbox answers is what the parsers
read. No database: stores, customers and orders are plain stand-ins."""

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import cast

import pytest
from ask_sdk_core.serialize import DefaultSerializer

from merchant.models import PaymentMode
from orders.amazon_pay_facts import (
    AUTHORIZATION_LIFETIME,
    CLOSED,
    DECLINE_REASONS,
    DECLINED,
    MAX_CAPTURES_PROCESSED,
    OPEN,
)
from skill import amazon_pay, amazon_pay_sandbox, envelope
from skill.testing.envelopes import envelope as make_envelope
from skill.testing.envelopes import launch

serializer = DefaultSerializer()


def _store(**fields):
    defaults = dict(
        name="The Extremely Long Store Name",
        slug="long-store",
        amazon_pay_seller_id="A2SELLER",
        country_of_establishment="US",
        currency="USD",
        sandbox_mode=True,
        sandbox_customer_email="shopper@example.com",
        payment_mode=PaymentMode.CHARGE_NOW,
    )
    return SimpleNamespace(**{**defaults, **fields})


CUSTOMER = SimpleNamespace(pk=7, billing_agreement_id="C01-1234567-7654321")
ORDER = SimpleNamespace(pk=31, number="NN-000031", total=Decimal("9.00"), currency="USD")


def _as_alexa_sends(directive) -> dict:
    return cast(dict, serializer.serialize(directive))


def _result_request(result: dict):
    """The sandbox's Connections.Response, read the way the skill reads every request."""
    data = make_envelope(launch(), skill_id="amzn1.ask.skill.X")
    data["request"] = {
        "requestId": "amzn1.echo-api.request.1",
        "timestamp": "2026-01-01T00:00:00Z",
        "locale": "en-US",
        **result,
    }
    return envelope.parse(data).request


def test_setup_directive_as_documented():
    token = amazon_pay.setup_token(ORDER)
    sent = _as_alexa_sends(
        amazon_pay.setup_directive(
            store=_store(country_of_establishment="DE", currency="EUR"),
            customer=CUSTOMER,
            locale="de-DE",
            token=token,
        )
    )
    assert sent["type"] == amazon_pay.SEND_REQUEST
    assert sent["name"] == "Setup"
    assert token.startswith("setup:31:") and len(token) == len("setup:31:") + 12
    payload = sent["payload"]
    assert payload["@type"] == "SetupAmazonPayRequest"
    assert payload["@version"] == "2"
    assert payload["checkoutLanguage"] == "de_DE"
    assert payload["ledgerCurrency"] == "EUR"
    assert payload["needAmazonShippingAddress"] is True
    assert payload["sandboxCustomerEmailId"] == "shopper@example.com"
    agreement = payload["billingAgreementAttributes"]
    assert agreement["billingAgreementType"] == "CustomerInitiatedTransaction"
    assert agreement["sellerBillingAgreementAttributes"]["sellerBillingAgreementId"] == (
        "long-store-7"
    )


def test_setup_round_trip_through_the_sandbox():
    token = amazon_pay.setup_token(ORDER)
    sent = _as_alexa_sends(
        amazon_pay.setup_directive(store=_store(), customer=CUSTOMER, locale="en-US", token=token)
    )
    request = _result_request(amazon_pay_sandbox.respond(sent))

    assert amazon_pay.is_result(request, amazon_pay.SETUP)
    assert not amazon_pay.is_result(request, amazon_pay.CHARGE)
    assert amazon_pay.is_success(request)
    result = amazon_pay.read_setup(request)
    assert result.status == "OPEN"
    assert result.agreement_id.startswith("C01-")
    assert result.address == amazon_pay_sandbox.ADDRESSES["US"]
    assert amazon_pay.token_parts(request.token, "setup") == ("31", token.split(":")[2])
    assert amazon_pay.token_parts(request.token, "charge") is None

    suspended = amazon_pay_sandbox.respond(sent, simulate="Agreement:SUSPENDED")
    assert amazon_pay.read_setup(_result_request(suspended)).status == "SUSPENDED"


@pytest.mark.parametrize(
    ("mode", "action", "state", "captured"),
    [
        (PaymentMode.CHARGE_NOW, "AuthorizeAndCapture", CLOSED, True),
        (PaymentMode.CHARGE_LATER, "Authorize", OPEN, False),
    ],
)
def test_charge_round_trip_through_the_sandbox(mode, action, state, captured):
    reference = amazon_pay.charge_reference(ORDER)
    token = amazon_pay.charge_token(ORDER, reference)
    sent = _as_alexa_sends(
        amazon_pay.charge_directive(
            store=_store(payment_mode=mode),
            customer=CUSTOMER,
            order=ORDER,
            reference=reference,
            token=token,
        )
    )
    payload = sent["payload"]
    assert payload["paymentAction"] == action
    assert payload["billingAgreementId"] == CUSTOMER.billing_agreement_id
    attributes = payload["authorizeAttributes"]
    assert attributes["authorizationAmount"] == {
        "@type": "Price",
        "@version": "2",
        "amount": "9.00",
        "currencyCode": "USD",
    }
    assert attributes["softDescriptor"] == "The Extremely Lo"
    assert len(reference) == 32 and reference.startswith("NN-000031-")

    request = _result_request(amazon_pay_sandbox.respond(sent))
    assert amazon_pay.token_parts(request.token, "charge") == ("31", reference)
    result = amazon_pay.read_charge(
        request, token_reference=reference, fallback_amount=Decimal("1")
    )
    assert result.state == state
    assert result.succeeded
    payment = result.payment
    assert payment.reference_id == reference
    assert payment.amount == Decimal("9.00")
    assert payment.captured is captured
    assert payment.declined is False
    assert payment.external_id.startswith("S01-") and "-A" in payment.external_id
    assert payment.capture_external_id == (
        payment.external_id.replace("-A", "-C") if captured else ""
    )
    assert payment.reason_code == (MAX_CAPTURES_PROCESSED if captured else "")
    now = datetime.now(UTC)
    assert abs((payment.expires_at - now) - AUTHORIZATION_LIFETIME).total_seconds() < 60


@pytest.mark.parametrize("reason", DECLINE_REASONS)
def test_a_simulated_decline_reads_as_a_decline(reason):
    reference = amazon_pay.charge_reference(ORDER)
    sent = _as_alexa_sends(
        amazon_pay.charge_directive(
            store=_store(),
            customer=CUSTOMER,
            order=ORDER,
            reference=reference,
            token=amazon_pay.charge_token(ORDER, reference),
        )
    )
    request = _result_request(amazon_pay_sandbox.respond(sent, simulate=f"Declined:{reason}"))
    result = amazon_pay.read_charge(
        request, token_reference=reference, fallback_amount=Decimal("1")
    )
    assert result.state == DECLINED
    assert not result.succeeded
    assert result.payment.declined is True
    assert result.payment.reason_code == reason


def test_a_decline_written_in_the_note_as_amazons_sandbox_read_it():
    directive = {
        "type": amazon_pay.SEND_REQUEST,
        "name": "Charge",
        "token": "charge:1:ref",
        "payload": {
            "paymentAction": "AuthorizeAndCapture",
            "authorizeAttributes": {
                "authorizationReferenceId": "ref",
                "authorizationAmount": {"amount": "5.00", "currencyCode": "USD"},
                "sellerAuthorizationNote": (
                    '{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}'
                ),
            },
        },
    }
    result = amazon_pay.read_charge(
        _result_request(amazon_pay_sandbox.respond(directive)),
        token_reference="ref",
        fallback_amount=Decimal("1"),
    )
    assert (result.state, result.payment.reason_code) == (DECLINED, "AmazonRejected")


@pytest.mark.parametrize("code", sorted(amazon_pay.ERRORS))
def test_every_documented_error_reads_back_with_its_category(code):
    directive = {"type": amazon_pay.SEND_REQUEST, "name": "Setup", "token": "t", "payload": {}}
    request = _result_request(amazon_pay_sandbox.respond(directive, simulate=code))
    assert not amazon_pay.is_success(request)
    assert amazon_pay.error_code(request) == code
    assert amazon_pay.error_message(request) == f"Sandbox simulated {code}."
    assert str(request.status.code) == amazon_pay.ERRORS[code]
    categories = [
        amazon_pay.PERMISSION_ERRORS,
        amazon_pay.INTEGRATION_ERRORS,
        amazon_pay.RUNTIME_ERRORS,
        amazon_pay.AMAZON_SPEAKS,
    ]
    assert sum(code in category for category in categories) == 1


def test_find_directive():
    directive = {"type": amazon_pay.SEND_REQUEST, "name": "Setup"}
    answer = {"response": {"directives": [{"type": "Dialog.Delegate"}, directive]}}
    assert amazon_pay.find_directive(answer) is directive
    assert amazon_pay.find_directive({"response": {}}) is None
    assert amazon_pay.find_directive({}) is None
    upsell = {"type": amazon_pay.SEND_REQUEST, "name": "Upsell"}
    assert amazon_pay.find_directive({"response": {"directives": [upsell]}}) is None
