"""Order emails, plain text and HTML, in the order's locale."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from merchant.money import display

from . import events
from .models import Order, OrderEvent, OrderEventType, PaymentTransaction


class TransientEmailError(Exception):
    pass


SUBJECTS = {
    "confirmation": {
        "en": "Your {store} order {number} is confirmed",
        "de": "Deine Bestellung {number} bei {store} ist bestätigt",
    },
    "shipped": {
        "en": "Your {store} order {number} is on its way",
        "de": "Deine Bestellung {number} bei {store} ist unterwegs",
    },
    "cancelled": {
        "en": "Your {store} order {number} is cancelled",
        "de": "Deine Bestellung {number} bei {store} ist storniert",
    },
    "refund_completed": {
        "en": "Your refund for {store} order {number}",
        "de": "Deine Erstattung zur Bestellung {number} bei {store}",
    },
    "plan_renewed": {
        "en": "Your {store} refill is on its way: order {number}",
        "de": "Deine Nachlieferung von {store}: Bestellung {number}",
    },
}
KINDS = list(SUBJECTS)


def send_order_email(*, order_id: int, kind: str, key: str = "") -> bool:
    """Send one kind of email for an order once (once per ``key``, e.g. per refund);
    returns False when already sent or no address is known."""
    order = Order.objects.select_related("store", "customer").get(pk=order_id)
    sent = OrderEvent.objects.filter(order=order, type=OrderEventType.EMAIL_SENT, data__kind=kind)
    if key:
        sent = sent.filter(data__key=key)
    if sent.exists():
        return False
    address = order.email or order.customer.email
    if not address:
        return False
    language = order.locale.split("-")[0]
    context = {
        "order": order,
        "store": order.store,
        "lines": list(order.lines.all()),
        "money": lambda amount: display(amount, order.currency, order.locale),
        "total": display(order.total, order.currency, order.locale),
        "subtotal": display(order.subtotal, order.currency, order.locale),
        "tax": display(order.tax, order.currency, order.locale),
        "shipping": display(order.shipping, order.currency, order.locale),
    }
    if kind == "refund_completed" and key:
        refund = PaymentTransaction.objects.filter(order=order, reference_id=key).first()
        assert refund is not None  # the key is the reference of the refund just completed
        context["refund"] = refund
        context["refund_amount"] = display(refund.amount, order.currency, order.locale)
    if kind == "plan_renewed":
        renewal = getattr(order, "refillrenewal", None)
        context["plan"] = renewal.plan if renewal else None
    with translation.override(language):
        text = render_to_string(f"orders/email/{kind}_{language}.txt", context)
        html = render_to_string(f"orders/email/{kind}_{language}.html", context)
    subject = (
        SUBJECTS[kind]
        .get(language, SUBJECTS[kind]["en"])
        .format(store=order.store.name, number=order.number)
    )
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientEmailError(str(exc)) from exc
    events.email_sent(order, kind=kind, to=address, key=key)
    return True
