"""Sections that apps above orders add to the support console's customer page, and the
signal that lets them erase what they keep when a customer is erased."""

import pytest

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import customer_sections
from orders.customer_sections import CustomerSection, register_customer_section
from orders.services import customer_erase
from orders.signals import customer_erased
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(customer_sections, "_REGISTERED", [])

    def web_account(customer):
        if not customer.email:
            return None
        return CustomerSection("Web account", [("Email", customer.email), ("Note", "<b>x</b>")])

    def cards(customer):
        return CustomerSection("Saved cards", [], empty="No saved cards.", order=10)

    register_customer_section(web_account)
    register_customer_section(web_account)  # twice: still once
    register_customer_section(cards)


def test_registered_sections_show_on_the_customer_page_in_order_and_escaped(client, registered):
    store = StoreFactory()
    customer = CustomerFactory(store=store, email="ann@example.com")
    client.force_login(MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user)
    page = client.get(f"/support/customers/{customer.pk}/").content.decode()
    assert page.count('class="card customer-section"') == 2
    assert page.index("<h2>Saved cards</h2>") < page.index("<h2>Web account</h2>")
    assert '<p class="muted">No saved cards.</p>' in page
    assert "<dt>Email</dt><dd>ann@example.com</dd>" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    silent = CustomerFactory(store=store, email="")
    page = client.get(f"/support/customers/{silent.pk}/").content.decode()
    assert page.count('class="card customer-section"') == 1


def test_erasure_sends_the_signal_once_inside_the_transaction():
    customer = CustomerFactory(email="ann@example.com")
    seen = []

    def receiver(sender, customer, **kwargs):
        seen.append((customer.pk, customer.email, customer.erased_at is not None))

    customer_erased.connect(receiver)
    try:
        customer_erase(customer=customer)
        customer_erase(customer=customer)  # again: nothing more to erase, no second signal
    finally:
        customer_erased.disconnect(receiver)
    assert seen == [(customer.pk, "", True)]
