"""The web account and the Alexa user become one customer (account linking).

The account's customer takes the Alexa user id. A customer of the store that already holds
it is either the shopper's own voice history (a customer without a web account: it is merged
into the account's customer, ``orders.services.customer_merge``, so its orders, refill
plans, cart and wish list become the account's) or another web account's customer that was
linked to this Alexa user before (it lets go of the id and keeps its own history).
"""

import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from orders import services as orders
from orders.models import Customer, CustomerEventSource

from ..models import ShopperAccount


@transaction.atomic
def account_attach_alexa_user(*, account: ShopperAccount, alexa_user_id: str) -> Customer:
    customer = account.customer
    if customer.alexa_user_id == alexa_user_id:
        return customer
    holder = Customer.objects.filter(store_id=account.store_id, alexa_user_id=alexa_user_id).first()
    if holder is not None:
        try:
            holder.shopper_account  # noqa: B018  # does another web account own it?
        except ObjectDoesNotExist:
            customer = orders.customer_merge(
                into=customer, other=holder, source=CustomerEventSource.WEB
            )
            account.customer = customer
            return customer
        orders.customer_set_alexa_user(
            customer=holder, alexa_user_id=f"web:{uuid.uuid4()}", source=CustomerEventSource.WEB
        )
    customer = orders.customer_set_alexa_user(
        customer=customer, alexa_user_id=alexa_user_id, source=CustomerEventSource.WEB
    )
    account.customer = customer
    return customer
