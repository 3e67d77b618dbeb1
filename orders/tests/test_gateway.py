"""The embedded Amazon Pay sandbox keeps Amazon's rules."""

from decimal import Decimal

import pytest

from orders.gateways import AmazonPaySandboxGateway, GatewayError, PaymentRef

pytestmark = pytest.mark.django_db  # PostgreSQL in CI; any database locally

D = Decimal


@pytest.fixture
def gateway():
    return AmazonPaySandboxGateway()


def charge(gateway, ref="ord-1", amount="50.00", capture=True):
    return gateway.authorize(
        billing_agreement_id="C01-1234567-1234567",
        reference_id=ref,
        amount=D(amount),
        currency="USD",
        capture_now=capture,
    )


def capture_ref(result, amount="50.00"):
    return PaymentRef(
        reference_id="ord-1-c", amount=D(amount), currency="USD", amazon_id=result.capture_id
    )


def test_authorize_and_capture_is_closed_max_captures(gateway):
    result = charge(gateway)
    assert (result.state, result.reason_code) == ("Closed", "MaxCapturesProcessed")
    assert result.amazon_id.startswith("S01-") and result.capture_id
    # Idempotent on our reference id; other content under it is a DuplicateRequest.
    assert charge(gateway).amazon_id == result.amazon_id
    with pytest.raises(GatewayError) as exc:
        charge(gateway, amount="51.00")
    assert exc.value.code == "DuplicateRequest"


def test_reference_ids_are_at_most_32_characters(gateway):
    with pytest.raises(GatewayError) as exc:
        charge(gateway, ref="x" * 33)
    assert exc.value.code == "InvalidParameterValue"
    assert charge(gateway, ref="x" * 32).state == "Closed"


def test_decline_simulation_in_the_note(gateway):
    result = gateway.authorize(
        billing_agreement_id="C01-1",
        reference_id="ord-2",
        amount=D("9.00"),
        currency="USD",
        note='{"SandboxSimulation": {"State": "Declined", "ReasonCode": "InvalidPaymentMethod"}}',
    )
    assert (result.state, result.reason_code) == ("Declined", "InvalidPaymentMethod")


def test_refunds_are_async_limited_to_ten_and_to_the_capture(gateway):
    result = charge(gateway)
    cap = capture_ref(result)
    refund = gateway.refund(capture=cap, reference_id="r1", amount=D("40.00"))
    assert refund.state == "Pending"
    details = gateway.refund_details(refund=PaymentRef("r1", D("40.00"), "USD"))
    assert details.state == "Completed"
    with pytest.raises(GatewayError) as exc:
        gateway.refund(capture=cap, reference_id="r2", amount=D("10.01"))
    assert exc.value.code == "TransactionAmountExceeded"
    for n in range(2, 11):
        gateway.refund(capture=cap, reference_id=f"r{n}", amount=D("1.00"))
    with pytest.raises(GatewayError) as exc:
        gateway.refund(capture=cap, reference_id="r11", amount=D("0.50"))
    assert exc.value.code == "TransactionCountExceeded"


def test_capture_once_and_void(gateway):
    auth = charge(gateway, ref="ord-3", capture=False)
    assert auth.state == "Open"
    ref = PaymentRef("ord-3", D("50.00"), "USD", amazon_id=auth.amazon_id)
    with pytest.raises(GatewayError) as exc:
        gateway.capture(authorization=ref, reference_id="ord-3-c", amount=D("50.01"))
    assert exc.value.code == "TransactionAmountExceeded"
    assert gateway.capture(authorization=ref, reference_id="ord-3-c", amount=D("50.00")).state == (
        "Completed"
    )
    with pytest.raises(GatewayError) as exc:
        gateway.void(authorization=ref, reference_id="ord-3-v")
    assert exc.value.code == "InvalidAuthorizationStatus"
    auth4 = charge(gateway, ref="ord-4", capture=False)
    ref4 = PaymentRef("ord-4", D("50.00"), "USD", amazon_id=auth4.amazon_id)
    assert gateway.void(authorization=ref4, reference_id="ord-4-v").reason_code == "SellerClosed"
    with pytest.raises(GatewayError):
        gateway.capture(authorization=ref4, reference_id="ord-4-c", amount=D("50.00"))
