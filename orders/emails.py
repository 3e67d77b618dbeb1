"""Order emails, plain text and HTML, in the order's locale."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from merchant.money import display

from .models import Order, OrderEvent, OrderEventType


class TransientEmailError(Exception):
    pass


SUBJECTS = {
    "confirmation": {
        "en": "Your {store} order {number} is confirmed",
        "de": "Deine Bestellung {number} bei {store} ist bestätigt",
    },
}


def send_order_email(*, order_id: int, kind: str) -> bool:
    """Send one kind of email for an order once; returns False when already sent or no
    address is known."""
    order = Order.objects.select_related("store", "customer").get(pk=order_id)
    if OrderEvent.objects.filter(
        order=order, type=OrderEventType.EMAIL_SENT, data__kind=kind
    ).exists():
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
    OrderEvent.objects.create(
        store_id=order.store_id,
        order=order,
        type=OrderEventType.EMAIL_SENT,
        actor_label="system",
        data={"kind": kind, "to": address},
    )
    return True
