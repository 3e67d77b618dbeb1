"""The skill runtime treats a store in ISP sandbox mode as it treats Amazon: it passes the
request's apiAccessToken to the Monetization API and tells the sandbox nothing else."""

from isp.models import SandboxToken
from skill import intents as i

from .isp_conversation import IspShopper


def test_the_sandbox_answers_from_the_token_alone_and_learns_nothing_from_the_skill(
    isp_store, client, live_server
):
    s = IspShopper(client, isp_store, live_server)
    s.new_session()
    s.launch()
    s.say(i.WHAT_CAN_I_BUY)
    assert s.speech().startswith("You can buy: Three Guided Shaves:")
    assert SandboxToken.objects.count() == 0


def test_a_token_the_sandbox_did_not_issue_leaves_the_free_experience(
    isp_store, client, live_server
):
    s = IspShopper(client, isp_store, live_server, api_token="Atza|not-the-sandboxes")
    s.new_session()
    s.launch()
    s.say(i.WHAT_CAN_I_BUY)
    assert s.speech() == (
        "I can't check what's for sale right now. Would you like to hear something free instead?"
    )
    assert SandboxToken.objects.count() == 0
