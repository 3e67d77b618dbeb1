"""Every code a service refuses with is an ``OrderErrorCode`` with staff wording beside it."""

import re
from pathlib import Path

import pytest

from orders.errors import OrderError, OrderErrorCode, error_message

SERVICES = Path(__file__).resolve().parents[1] / "services"
RAISED = re.compile(r"OrderError\(\s*OrderErrorCode\.([A-Z_]+)")
BARE = re.compile(r"OrderError\(\s*[\"']")


def _service_sources() -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(SERVICES.glob("*.py"))}


def test_services_raise_only_enum_codes():
    bare = {name: BARE.findall(text) for name, text in _service_sources().items()}
    assert {name: found for name, found in bare.items() if found} == {}


def test_every_code_raised_is_in_the_enum_with_wording_and_every_member_is_raised():
    raised = {code for text in _service_sources().values() for code in RAISED.findall(text)}
    members = set(OrderErrorCode.__members__)
    assert raised - members == set()
    assert members - raised == set()  # no code left over from an older service
    # discount_unavailable and bad_shipping_fee joined the 39, then charged_back and
    # nothing_charged_back (card disputes)
    assert len(members) == 43
    for member in OrderErrorCode:
        assert member.wording.strip(), member
        assert member.value == member.name.lower()


def test_codes_compare_and_format_as_the_plain_strings_callers_use():
    exc = OrderError(OrderErrorCode.OUT_OF_STOCK, "Tea is no longer available.", sku="T1")
    assert exc.code == "out_of_stock"
    assert exc.code in {"out_of_stock"}
    assert f"place_refused:{exc.code}" == "place_refused:out_of_stock"
    assert str(exc) == "out_of_stock: Tea is no longer available."
    assert OrderError("already_captured").code is OrderErrorCode.ALREADY_CAPTURED


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError):
        OrderError("no_such_code")


@pytest.mark.parametrize(
    "code, data, wording",
    [
        ("already_cancelled", {}, "This order is already cancelled."),
        (
            "cannot_cancel",
            {"status": "shipped"},
            "Only orders that have not shipped can be cancelled. Refund it instead.",
        ),
        (
            "capture_failed",
            {"reason": "AmazonRejected"},
            "Amazon Pay refused the capture (AmazonRejected). The timeline has the details.",
        ),
        (
            "cannot_refund",
            {"refundable": "0.00"},
            "Nothing on this order can be refunded (refundable: 0.00).",
        ),
        ("amount_exceeds_refundable", {"refundable": "21.60"}, "At most 21.60 can be refunded."),
        (
            "gateway_error",
            {"gateway_code": "InvalidCaptureStatus"},
            ("Amazon Pay refused the request (InvalidCaptureStatus)."),
        ),
        ("too_many_refunds", {}, "Amazon Pay allows at most 10 refunds per payment."),
        # Data that the wording does not name leaves the wording as it is.
        (
            "capture_failed",
            {},
            "Amazon Pay refused the capture ({reason}). The timeline has the details.",
        ),
    ],
)
def test_staff_wording(code, data, wording):
    assert error_message(OrderError(code, "for the logs", **data)) == wording
