"""Shared set-up of the in-skill purchasing conversation tests: the demo's No Nicks ISP
catalog on a test store, the embedded sandbox over real HTTP (live server), and a shopper
who can play Amazon's purchase dialogue through the sandbox."""

from decimal import Decimal

import pytest
import requests

from catalog.tests.factories import ProductFactory
from demo.isp_seed import seed_demo_isp
from isp.models import InSkillProduct
from isp.sandbox import sandbox_access_token
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from skill import intents as i
from skill.testing.envelopes import Shopper, product_slot, speech_of

USER = "amzn1.ask.account.ISP-SHOPPER"


@pytest.fixture
def isp_store(transactional_db, live_server, settings, unverified):
    settings.ISP_SANDBOX_BASE_URL = f"{live_server.url}/sandbox/monetization"
    store = StoreFactory(
        name="No Nicks",
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        tax_rate=Decimal("0"),
        amazon_pay_seller_id="",
    )
    ProductFactory(store=store, spoken_name="starter kit", price=Decimal("9.00"))
    seed_demo_isp(store)
    return store


def product(store, reference_name) -> InSkillProduct:
    return InSkillProduct.objects.get(store=store, reference_name=reference_name)


class _Entity:
    def __init__(self, entity_id: str, name: str):
        self.pk, self.name = entity_id, name


def named(reference_name: str, words: str, slot: str = i.ISP_PRODUCT_SLOT):
    """A ``ProductName`` slot as Alexa fills it when it matched an in-skill product."""
    return product_slot(_Entity(reference_name, words), name=slot, words=words)


class IspShopper(Shopper):
    """A shopper whose purchase dialogues are played by the embedded ISP sandbox."""

    def __init__(self, client, store, live_server, **kwargs):
        skill_id = store.skill_ids.first().skill_id
        # Alexa hands the skill the token Amazon issued; here the sandbox plays Amazon.
        kwargs.setdefault("api_token", sandbox_access_token(skill_id=skill_id, user_id=USER))
        super().__init__(client, skill_id, user_id=USER, **kwargs)
        self.store = store
        self.live_server = live_server

    def directive(self) -> dict | None:
        answer = self.last_answer or {}
        for directive in (answer.get("response") or {}).get("directives") or []:
            if directive.get("type") == "Connections.SendRequest":
                return directive
        return None

    def purchase(self, outcome: str) -> dict:
        """Amazon's dialogue on the last answer's directive, then Alexa's
        ``Connections.Response`` back to the skill (in a new session, as Alexa does)."""
        directive = self.directive()
        assert directive is not None, self.last_answer
        answer = requests.post(
            f"{self.live_server.url}/sandbox/monetization/purchase-flow",
            json={
                "skillId": self.skill_id,
                "userId": self.user_id,
                "directive": directive,
                "outcome": outcome,
                "locale": self.locale,
            },
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        self.new_session()
        return self.send_request_dict(answer.json()["request"])

    def tip(self) -> dict:
        return self.say(i.CONTENT)

    def speech(self) -> str:
        return speech_of(self.last_answer or {})
