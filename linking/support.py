"""What the support console's customer page shows of a web account's link to Alexa
(``orders.customer_sections``, registered in ``LinkingConfig.ready``).

Linked means what the account page and the skill mean by it: Alexa holds a live token of
the store's Alexa client for the account (``selectors.account_is_linked``). Whether the
customer's Alexa user id is set says only that a voice turn came in once: it stays after the
shopper unlinks, and is still missing between the consent and the first voice turn.
"""

from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken

from orders.customer_sections import CustomerSection
from orders.models import Customer
from shoppers.models import ShopperAccount

from . import selectors

SCOPE_ORDER = ("profile", "cart", "orders")


def linked_alexa_section(customer: Customer) -> CustomerSection | None:
    account = ShopperAccount.objects.filter(store_id=customer.store_id, customer=customer).first()
    if account is None:
        return None
    voice = (
        "one customer with the Alexa user"
        if not customer.alexa_user_id.startswith("web:")
        else "no voice turn yet"
    )
    if not selectors.account_is_linked(account):
        return CustomerSection(
            title="Linked Alexa",
            rows=[("Alexa", "not linked"), ("Voice and web", voice)],
            order=32,
        )
    # The scopes of the tokens Alexa still holds: unexpired, or renewable by a live refresh
    # token (an access token outlives its hour until Alexa refreshes it).
    held = AccessToken.objects.filter(
        Q(expires__gt=timezone.now()) | Q(refresh_token__revoked__isnull=True),
        user_id=account.user_id,
        application__store_alexa_client__store_id=account.store_id,
    ).values_list("scope", flat=True)
    granted = {scope for scopes in held for scope in scopes.split()}
    ordered = [s for s in SCOPE_ORDER if s in granted] + sorted(granted - set(SCOPE_ORDER))
    return CustomerSection(
        title="Linked Alexa",
        rows=[
            ("Alexa", "linked"),
            ("Alexa may", ", ".join(ordered) or "—"),
            ("Voice and web", voice),
        ],
        order=32,
    )
