"""The interaction log's outcome labels: stable strings that fit the column."""

from skill import outcomes
from skill.models import Interaction
from skill.outcomes import Outcome


def test_labels_are_unique_and_fit_the_column():
    column = Interaction._meta.get_field("outcome").max_length
    assert outcomes.MAX_LENGTH == column
    values = [o.value for o in Outcome]
    assert len(values) == len(set(values))
    assert all(0 < len(v) <= column for v in values)


def test_labels_are_the_strings_the_log_has_always_had():
    assert Outcome.ORDER_PLACED == "order_placed"
    assert f"{Outcome.DECLINED}" == "declined"
    assert outcomes.help_at("offer_product") == "help_offer_product"
    assert outcomes.order_status("shipped") == "status_shipped"
    assert outcomes.session_ended("USER_INITIATED") == "session_ended_user_initiated"
    assert outcomes.session_ended(None) == "session_ended_unknown"
    assert outcomes.agreement("SUSPENDED") == "agreement_suspended"
    assert outcomes.agreement("") == "agreement_missing"
    assert outcomes.place_refused("out_of_stock") == "place_refused:out_of_stock"
    assert outcomes.cancel_refused("x" * 80) == ("cancel_refused:" + "x" * 80)[:60]
    assert outcomes.refill_refused("already_active") == "refill_refused:already_active"
