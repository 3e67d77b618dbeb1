"""The embedded Amazon Pay sandbox answers directives the way Alexa did."""

import json

import pytest

from skill import amazon_pay_sandbox as sandbox


def charge_directive(action="AuthorizeAndCapture", note=None):
    attributes = {
        "authorizationReferenceId": "100001-abc",
        "authorizationAmount": {"amount": "9.72", "currencyCode": "USD"},
        "transactionTimeout": 0,
        "softDescriptor": "No Nicks",
    }
    if note is not None:
        attributes["sellerAuthorizationNote"] = note
    return {
        "type": "Connections.SendRequest",
        "name": "Charge",
        "token": "charge:1:100001-abc",
        "payload": {
            "@type": "ChargeAmazonPayRequest",
            "paymentAction": action,
            "billingAgreementId": "C01-1",
            "authorizeAttributes": attributes,
        },
    }


SETUP = {
    "type": "Connections.SendRequest",
    "name": "Setup",
    "token": "setup:1:x",
    "payload": {"countryOfEstablishment": "DE", "checkoutLanguage": "de_DE", "sandboxMode": True},
}


def test_setup_opens_an_agreement_with_a_sandbox_address_for_the_country():
    result = sandbox.respond(SETUP)
    assert result["type"] == "Connections.Response"
    assert (result["name"], result["token"], result["status"]) == (
        "Setup",
        "setup:1:x",
        {"code": "200", "message": "OK"},
    )
    details = result["payload"]["billingAgreementDetails"]
    assert details["billingAgreementStatus"] == "OPEN"
    assert details["billingAgreementId"].startswith("C01-")
    assert details["destination"]["countryCode"] == "DE"
    assert details["releaseEnvironment"] == "SANDBOX"
    assert details["checkoutLanguage"] == "de_DE"


def test_authorize_and_capture_closes_with_max_captures_processed():
    details = sandbox.respond(charge_directive())["payload"]["authorizationDetails"]
    assert details["authorizationStatus"]["state"] == "Closed"
    assert details["authorizationStatus"]["reasonCode"] == "MaxCapturesProcessed"
    assert details["authorizationReferenceId"] == "100001-abc"
    assert details["capturedAmount"] == {"amount": "9.72", "currencyCode": "USD"}
    assert len(details["idList"]) == 1
    assert details["captureNow"] is True


def test_authorize_stays_open_and_captures_nothing():
    details = sandbox.respond(charge_directive("Authorize"))["payload"]["authorizationDetails"]
    assert details["authorizationStatus"]["state"] == "Open"
    assert details["idList"] == []
    assert details["capturedAmount"]["amount"] == "0"


@pytest.mark.parametrize(
    "reason", ["InvalidPaymentMethod", "AmazonRejected", "TransactionTimedOut"]
)
def test_sandbox_simulation_in_the_authorization_note_declines(reason):
    note = json.dumps({"SandboxSimulation": {"State": "Declined", "ReasonCode": reason}})
    details = sandbox.respond(charge_directive(note=note))["payload"]["authorizationDetails"]
    assert details["authorizationStatus"] == {
        "state": "Declined",
        "reasonCode": reason,
        "lastUpdateTimestamp": details["authorizationStatus"]["lastUpdateTimestamp"],
    }
    assert details["softDecline"] is (reason == "InvalidPaymentMethod")
    assert details["idList"] == []


def test_a_note_that_is_not_a_simulation_changes_nothing():
    details = sandbox.respond(charge_directive(note="thanks"))["payload"]["authorizationDetails"]
    assert details["authorizationStatus"]["state"] == "Closed"


@pytest.mark.parametrize(
    "code, http",
    [("ACCESS_DENIED", "403"), ("InvalidSellerId", "400"), ("RequestThrottled", "429")],
)
def test_errors_on_request(code, http):
    result = sandbox.respond(charge_directive(), simulate=code)
    assert result["status"] == {"code": http, "message": code}
    assert result["payload"]["errorCode"] == code


def test_agreement_states_on_request():
    details = sandbox.respond(SETUP, simulate="Agreement:SUSPENDED")["payload"][
        "billingAgreementDetails"
    ]
    assert details["billingAgreementStatus"] == "SUSPENDED"


def test_the_full_envelope_follows_the_previous_one():
    previous = {
        "version": "1.0",
        "session": {
            "new": False,
            "sessionId": "s1",
            "attributes": {"a": 1},
            "user": {"userId": "u"},
        },
        "context": {"System": {"application": {"applicationId": "amzn1.ask.skill.x"}}},
        "request": {"type": "IntentRequest", "locale": "en-GB"},
    }
    answer = {"response": {"directives": [SETUP]}}
    env = sandbox.response_envelope(previous, answer)
    assert env["context"] == previous["context"]
    assert env["session"]["user"] == {"userId": "u"}
    assert env["session"]["new"] is True and env["session"]["sessionId"] != "s1"
    assert env["request"]["type"] == "Connections.Response"
    assert env["request"]["locale"] == "en-GB"
    assert env["request"]["name"] == "Setup"
    assert env["request"]["requestId"].startswith("amzn1.echo-api.request.")
    assert previous["session"]["attributes"] == {"a": 1}  # the old envelope is untouched


def test_only_amazon_pay_directives_are_answered():
    with pytest.raises(ValueError):
        sandbox.respond({"type": "Dialog.Delegate"})
    with pytest.raises(ValueError):
        sandbox.response_envelope({}, {"response": {}})
