"""Chargebacks in the payment ledger: a card dispute's funds withdrawn and reinstated as ledger
kinds, the order's charged-back total (within what was captured) and its payment status, the
timeline's two events, and room for the longer dispute references."""

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("merchant", "0011_store_ucp_and_shop_domain"),
        ("orders", "0010_refill_plan_skipped"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="charged_back_amount",
            field=models.DecimalField(
                db_default=Decimal("0.00"), decimal_places=2, default=Decimal("0.00"), max_digits=12
            ),
        ),
        migrations.AlterField(
            model_name="order",
            name="payment_status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("authorized", "Authorized"),
                    ("captured", "Captured"),
                    ("charged_back", "Charged back (dispute)"),
                    ("partially_refunded", "Partially refunded"),
                    ("refunded", "Refunded"),
                    ("declined", "Declined"),
                    ("voided", "Voided"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="orderevent",
            name="type",
            field=models.CharField(
                choices=[
                    ("created", "Cart started"),
                    ("placed", "Order placed"),
                    ("payment_authorized", "Payment authorized"),
                    ("payment_captured", "Payment captured"),
                    ("payment_declined", "Payment declined"),
                    ("payment_voided", "Authorization voided"),
                    ("payment_collected", "Payment collected on delivery"),
                    ("shipped", "Shipped"),
                    ("delivered", "Delivered"),
                    ("cancelled", "Cancelled"),
                    ("restocked", "Restocked"),
                    ("refund_requested", "Refund requested"),
                    ("refund_pending", "Refund pending"),
                    ("refund_completed", "Refund completed"),
                    ("refund_declined", "Refund declined"),
                    ("note", "Note"),
                    ("payment_capture_failed", "Capture failed"),
                    ("email_sent", "Email sent"),
                    ("authorization_expiring", "Authorization close to expiry"),
                    ("refund_request_resolved", "Refund request resolved"),
                    ("refill_renewal", "Placed by a refill plan"),
                    ("out_for_delivery", "Out for delivery"),
                    ("alexa_notification_sent", "Alexa notification sent"),
                    ("alexa_notification_failed", "Alexa notification failed"),
                    ("chargeback", "Chargeback: the shopper's bank took the payment back"),
                    ("chargeback_reversed", "Chargeback reversed: the money came back"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="paymenttransaction",
            name="kind",
            field=models.CharField(
                choices=[
                    ("authorization", "Authorization"),
                    ("capture", "Capture"),
                    ("void", "Void"),
                    ("refund", "Refund"),
                    ("collection", "Collected on delivery"),
                    ("chargeback", "Chargeback (dispute funds withdrawn)"),
                    ("chargeback_reversal", "Chargeback reversed (funds reinstated)"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="paymenttransaction",
            name="reference_id",
            field=models.CharField(max_length=64, unique=True),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("charged_back_amount__gte", 0),
                    ("charged_back_amount__lte", models.F("captured_amount")),
                ),
                name="order_chargeback_within_captured",
            ),
        ),
    ]
