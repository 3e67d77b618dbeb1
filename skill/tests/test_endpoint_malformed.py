"""Each class of malformed envelope found by trying the endpoint as an attacker would: HTTP
400 with a plain reason, before the database (zero rows written), never a 500 and never the
spoken apology, which is kept for real outages."""

import json

import pytest

from demo.seed import DEMO_SKILL_ID
from orders.models import Customer
from skill.models import Conversation, Interaction
from skill.testing.envelopes import envelope, intent, launch, product_slot

pytestmark = pytest.mark.django_db


def rows():
    return (Customer.objects.count(), Conversation.objects.count(), Interaction.objects.count())


def with_slot_resolutions(resolutions):
    env = envelope(
        intent("OrderProductIntent", {"Product": product_slot(words="x", no_match=True)}),
        skill_id=DEMO_SKILL_ID,
    )
    env["request"]["intent"]["slots"]["Product"]["resolutions"] = resolutions
    return env


def launch_with(path, value):
    env = envelope(launch(), skill_id=DEMO_SKILL_ID)
    target = env
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return env


MALFORMED = {
    "deep nesting": b'{"request": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "deep nesting in attributes": json.dumps(
        launch_with(("session", "attributes"), json.loads("[" * 200 + "]" * 200))
    ).encode(),
    "NUL in the application id": json.dumps(
        launch_with(("context", "System", "application", "applicationId"), DEMO_SKILL_ID + "\x00")
    ).encode(),
    "NUL in the user id": json.dumps(
        launch_with(("context", "System", "user", "userId"), "amzn1.ask.account.\x00X")
    ).encode(),
    "NUL in the session id": json.dumps(
        launch_with(("session", "sessionId"), "amzn1.echo-api.session.\x00")
    ).encode(),
    "NUL in the timestamp": json.dumps(
        launch_with(("request", "timestamp"), "2026-01-01T00:00:00Z\x00")
    ).encode(),
    "lone surrogate in the user id": json.dumps(
        launch_with(("context", "System", "user", "userId"), "amzn1.ask.account.\ud800")
    ).encode("utf-8", "surrogatepass"),
    "lone surrogate in the application id": json.dumps(
        launch_with(("session", "application", "applicationId"), "\udfff")
    ).encode("utf-8", "surrogatepass"),
    "escaped lone surrogate": (
        b'{"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "\\ud800"}}'
    ),
    "user id longer than Alexa sends": json.dumps(
        launch_with(("context", "System", "user", "userId"), "amzn1.ask.account." + "A" * 600)
    ).encode(),
    "null inside the resolution list": json.dumps(
        with_slot_resolutions({"resolutionsPerAuthority": [None]})
    ).encode(),
    "null resolution values": json.dumps(
        with_slot_resolutions(
            {
                "resolutionsPerAuthority": [
                    {"status": {"code": "ER_SUCCESS_MATCH"}, "values": [None]}
                ]
            }
        )
    ).encode(),
    "slots as a list": json.dumps(
        launch_with(("request",), {"type": "IntentRequest", "intent": {"name": "X", "slots": []}})
    ).encode(),
    "locale that is not a locale": json.dumps(
        launch_with(("request", "locale"), "en_US; DROP")
    ).encode(),
    "timestamp that is not a time": json.dumps(
        launch_with(("request", "timestamp"), "2026-13-45T99:99:99Z")
    ).encode(),
    "timestamp beyond any calendar": json.dumps(
        launch_with(("request", "timestamp"), 10**30)
    ).encode(),
    "request as a string": json.dumps(launch_with(("request",), "LaunchRequest")).encode(),
    "session as a list": json.dumps(launch_with(("session",), [])).encode(),
    "control character in a slot value": json.dumps(
        envelope(
            intent(
                "OrderProductIntent", {"Product": product_slot(words="razor\x1b[2J", no_match=True)}
            ),
            skill_id=DEMO_SKILL_ID,
        )
    ).encode(),
    "unknown application id with a surrogate": json.dumps(
        launch_with(("context", "System", "application", "applicationId"), "amzn1.ask.skill.\udc80")
    ).encode("utf-8", "surrogatepass"),
    "not UTF-8": b"\xff\xfe{\x00",
    "NaN": b'{"version": NaN, "request": {"type": "LaunchRequest"}}',
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_each_malformed_class_gets_400_and_writes_nothing(client, demo_store, unverified, name):
    before = rows()
    response = client.post("/alexa/", data=MALFORMED[name], content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    reason = response.content.decode("utf-8")  # always encodable, whatever the input held
    assert reason and reason.isprintable()
    assert rows() == before


def test_a_request_that_passes_the_rules_is_answered_not_apologised_for(
    client, demo_store, unverified
):
    env = launch_with(("context", "System", "user", "userId"), "amzn1.ask.account." + "A" * 200)
    response = client.post("/alexa/", data=json.dumps(env), content_type="application/json")
    assert response.status_code == 200
    assert Interaction.objects.get().outcome != "error"
