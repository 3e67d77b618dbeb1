"""The email with the link to finish a card payment the bank wants authenticated."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from merchant.money import display

from .models import StripePayment, StripePaymentStatus
from .services.paying import finish_url

SUBJECTS = {
    "en": "Confirm your payment for {store} order {number}",
    "de": "Bestätige deine Zahlung für die Bestellung {number} bei {store}",
}


class TransientEmailError(Exception):
    pass


def send_payment_link(*, stripe_payment_id: int) -> bool:
    """Send the link once; False when already sent, no longer needed or no address."""
    with transaction.atomic():
        payment = (
            StripePayment.objects.select_for_update()
            .select_related("order", "order__customer", "store")
            .get(pk=stripe_payment_id)
        )
        if payment.link_sent_at or payment.status != StripePaymentStatus.REQUIRES_ACTION:
            return False
        order = payment.order
        address = order.email or order.customer.email
        if not address:
            return False
        language = order.locale.split("-")[0]
        language = language if language in SUBJECTS else "en"
        context = {
            "store": payment.store,
            "order": order,
            "amount": display(payment.amount, payment.currency, order.locale),
            "link": finish_url(payment),
            "card": payment.card.describe() if payment.card else "",
        }
        with translation.override(language):
            text = render_to_string(f"cards/email/payment_link_{language}.txt", context)
            html = render_to_string(f"cards/email/payment_link_{language}.html", context)
        subject = SUBJECTS[language].format(store=payment.store.name, number=order.number)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientEmailError(str(exc)) from exc
        payment.link_sent_at = timezone.now()
        payment.save(update_fields=["link_sent_at", "updated_at"])
    return True
