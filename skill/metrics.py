"""Prometheus metrics of the skill endpoint (served with the rest at ``/metrics``).

Labels are bounded: the request type (Alexa's few, anything else counted as "other") and
the outcome's kind (the label before any ``:detail``), never store, shopper or session.
"""

from prometheus_client import Counter, Histogram

REQUEST_TYPES = {
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "Connections.Response",
    "CanFulfillIntentRequest",
}

TURN_SECONDS = Histogram(
    "voicestore_skill_turn_seconds",
    "Time to answer one Alexa turn, by request type (Alexa allows 8 s).",
    ["request_type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 8.0),
)
TURN_OUTCOMES = Counter(
    "voicestore_skill_turns",
    "Alexa turns answered, by outcome (what the skill did; 'error' is the apology).",
    ["outcome"],
)


def record_turn(*, request_type: str, outcome: str, seconds: float) -> None:
    if request_type not in REQUEST_TYPES:
        request_type = "skill_event" if request_type.startswith("AlexaSkillEvent.") else "other"
    TURN_SECONDS.labels(request_type=request_type).observe(seconds)
    TURN_OUTCOMES.labels(outcome=outcome.split(":", 1)[0][:40]).inc()
