"""Reading the request envelope: parsing once, ids, permission, and slot resolution."""

import pytest
from ask_sdk_model import IntentRequest
from ask_sdk_model.slu.entityresolution import (
    Resolution,
    Resolutions,
    Status,
    StatusCode,
    Value,
    ValueWrapper,
)

from skill import envelope
from skill.testing.envelopes import envelope as make_envelope
from skill.testing.envelopes import intent, launch, product_slot

AUTHORITY = "amzn1.er-authority.echo-sdk.skill.PRODUCT"


class _Product:
    pk = 42
    name = "Starter Kit"


def _slot_with(*authorities, value="kit"):
    slot = product_slot(words=value)
    slot.resolutions = Resolutions(resolutions_per_authority=list(authorities))
    return slot


def _authority(code, *ids):
    return Resolution(
        authority=AUTHORITY,
        status=Status(code=code),
        values=[ValueWrapper(value=Value(name=f"v{i}", id=i)) for i in ids] or None,
    )


def test_parse_reads_a_dict_without_changing_it():
    data = make_envelope(launch(), skill_id="amzn1.ask.skill.X", user_id="amzn1.ask.account.U")
    before = repr(data)
    parsed = envelope.parse(data)
    assert repr(data) == before
    assert parsed.request.object_type == "LaunchRequest"
    assert envelope.application_id(parsed) == "amzn1.ask.skill.X"
    assert envelope.user_id(parsed) == "amzn1.ask.account.U"
    assert envelope.device_id(parsed) == "amzn1.ask.device.TEST"
    assert envelope.consent_status(parsed) == "GRANTED"
    assert envelope.session_id(parsed).startswith("amzn1.echo-api.session.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "body: must be a JSON object"),
        ("text", "body: must be a JSON object"),
        ({}, "body.request: is required"),
        ({"request": {"type": ""}}, "request.type: is not in the documented format"),
        ({"version": "1.0", "session": None}, "body.request: is required"),
        ({"request": "LaunchRequest"}, "request: must be an object"),
        ({"request": {"type": "NoSuchRequest"}}, "envelope cannot be read"),
    ],
)
def test_parse_rejects_what_is_not_an_alexa_request(data, message):
    with pytest.raises(envelope.EnvelopeError, match=message):
        envelope.parse(data)


def test_application_and_user_fall_back_to_the_session():
    data = make_envelope(launch(), skill_id="amzn1.ask.skill.S", user_id="amzn1.ask.account.S")
    del data["context"]
    parsed = envelope.parse(data)
    assert envelope.application_id(parsed) == "amzn1.ask.skill.S"
    assert envelope.user_id(parsed) == "amzn1.ask.account.S"
    assert envelope.device_id(parsed) == ""
    assert envelope.consent_status(parsed) == "GRANTED"


@pytest.mark.parametrize(("consent", "status"), [("DENIED", "DENIED"), (None, "")])
def test_consent_status(consent, status):
    data = make_envelope(launch(), skill_id="amzn1.ask.skill.X", consent=consent)
    assert envelope.consent_status(envelope.parse(data)) == status


def test_a_matched_slot_resolves_to_the_entity_id():
    slot = product_slot(_Product(), words="the kit")
    assert envelope.resolution(slot) == (envelope.MATCH, "42")


def test_the_first_matching_authority_wins():
    slot = _slot_with(
        _authority(StatusCode.ER_SUCCESS_NO_MATCH),
        _authority(StatusCode.ER_SUCCESS_MATCH, "7", "8"),
        _authority(StatusCode.ER_SUCCESS_MATCH, "9"),
    )
    assert envelope.resolution(slot) == (envelope.MATCH, "7")


def test_a_match_without_values_is_no_match():
    assert envelope.resolution(_slot_with(_authority(StatusCode.ER_SUCCESS_MATCH))) == (
        envelope.NO_MATCH,
        None,
    )


@pytest.mark.parametrize("code", [StatusCode.ER_ERROR_TIMEOUT, StatusCode.ER_ERROR_EXCEPTION])
def test_resolution_errors_are_no_match(code):
    assert envelope.resolution(_slot_with(_authority(code))) == (envelope.NO_MATCH, None)


def test_words_without_entity_resolution_and_missing_slots():
    assert envelope.resolution(product_slot(no_match=True, words="unicorn")) == (
        envelope.NO_MATCH,
        None,
    )
    assert envelope.resolution(product_slot(words="green tea")) == (envelope.WORDS, None)
    assert envelope.resolution(product_slot()) == (envelope.MISSING, None)
    assert envelope.resolution(None) == (envelope.MISSING, None)
    empty = _slot_with(value=None)  # resolutions object without authorities, no words
    assert envelope.resolution(empty) == (envelope.MISSING, None)


def test_slot_values_log_ids_when_matched_else_words():
    request = intent(
        "OrderProductIntent",
        {
            "Product": product_slot(_Product(), words="the kit"),
            "Category": product_slot(name="Category", words="refills"),
            "Other": product_slot(name="Other", no_match=True, words="unicorn"),
            "Quantity": product_slot(name="Quantity"),
        },
    )
    assert envelope.slot_values(request) == {
        "Product": "42",
        "Category": "refills",
        "Other": "unicorn",
    }
    assert envelope.slot_values(launch()) == {}
    assert envelope.intent_name(request) == "OrderProductIntent"
    assert envelope.intent_name(launch()) == ""


@pytest.mark.parametrize(
    ("words", "number"), [("3", 3), ("?", None), ("", None), (None, None), ("two", None)]
)
def test_quantity(words, number):
    request = intent("OrderProductIntent", {"Quantity": product_slot(name="Quantity", words="")})
    request.intent.slots["Quantity"].value = words
    assert isinstance(request, IntentRequest)
    assert envelope.quantity(request, "Quantity") == number
    assert envelope.quantity(request, "Absent") is None
