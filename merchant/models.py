"""Stores (one per Alexa skill) and the staff who work for them."""

from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import crypto
from .invocation import invocation_name_errors
from .shop_domain import normalized_domain, validate_shop_domain

LOCALES = [("en-US", "English (US)"), ("en-GB", "English (UK)"), ("de-DE", "Deutsch (DE)")]
LOCALE_CODES = [code for code, _ in LOCALES]
CURRENCIES = [("USD", "US dollar"), ("GBP", "Pound sterling"), ("EUR", "Euro")]
COUNTRIES = [
    ("US", "United States"),
    ("UK", "United Kingdom"),
    ("DE", "Germany"),
    ("AT", "Austria"),
    ("FR", "France"),
    ("IT", "Italy"),
    ("ES", "Spain"),
    ("IE", "Ireland"),
]


class PaymentMode(models.TextChoices):
    CHARGE_NOW = "charge_now", "Amazon Pay, charge now"
    CHARGE_LATER = "charge_later", "Amazon Pay, authorize now and capture on shipping"
    PAY_ON_DELIVERY = "pay_on_delivery", "Pay on delivery"


class ExpiryAction(models.TextChoices):
    CAPTURE = "capture", "Capture before the authorization expires"
    RELEASE = "release", "Release (void) the authorization"


@cache
def time_zone_names() -> frozenset[str]:
    """IANA time zone names (from the ``tzdata`` package or the system's database)."""
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            "%(value)s is not an IANA time zone name; write e.g. America/Los_Angeles or "
            "Europe/Berlin.",
            params={"value": value},
        )


def default_time_zone() -> str:
    """A new store's time zone: the portal's ``TIME_ZONE`` when it names one, else UTC."""
    return settings.TIME_ZONE if settings.TIME_ZONE in time_zone_names() else "UTC"


# Alexa fetches listing images and shows policy links over HTTPS only.
https_only = URLValidator(
    schemes=["https"], message="Use an https:// address: Alexa accepts no other."
)


class Store(models.Model):
    """A merchant's voice store. Every store-owned row in the portal points here."""

    slug = models.SlugField(unique=True)
    name = models.CharField("seller of record", max_length=120)
    invocation_name = models.CharField(
        max_length=50, help_text="What shoppers say after 'Alexa, open'. Lower case."
    )
    default_locale = models.CharField(max_length=5, choices=LOCALES, default="en-US")
    enabled_locales = models.JSONField(default=list, help_text="Locales the skill speaks.")
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    time_zone = models.CharField(
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="IANA name, e.g. America/Los_Angeles: the store's days in analytics start "
        "at its local midnight.",
    )

    # The web shop (/shop/<slug>/) and voice purchases from a linked account.
    brand_color = models.CharField(
        "brand colour",
        max_length=7,
        default="#1F5FA8",
        validators=[
            RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Give the colour as # and six hex digits.")
        ],
        help_text="The web shop's header and buttons, as #RRGGBB.",
    )
    voice_purchase_code_required = models.BooleanField(
        default=False,
        help_text=(
            "Ask for the shopper's four-digit voice purchase code before a saved card is "
            "charged by voice."
        ),
    )

    # Amazon Pay for Alexa.
    payment_mode = models.CharField(
        max_length=20, choices=PaymentMode.choices, default=PaymentMode.CHARGE_NOW
    )
    amazon_pay_seller_id = models.CharField(max_length=40, blank=True)
    country_of_establishment = models.CharField(max_length=2, choices=COUNTRIES, default="US")
    sandbox_mode = models.BooleanField(default=True)
    sandbox_customer_email = models.EmailField(blank=True)
    authorization_expiry_action = models.CharField(
        max_length=10, choices=ExpiryAction.choices, default=ExpiryAction.CAPTURE
    )

    # Money.
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[
            MinValueValidator(Decimal("0"), message="The tax rate cannot be negative."),
            MaxValueValidator(
                Decimal("1"),
                # %% because Django formats validator messages with their parameters.
                message="Write the tax rate as a fraction of one: 8 %% is 0.08, 8.25 %% is 0.0825.",
            ),
        ],
        help_text="A fraction: 0.0825 is 8.25 %.",
    )
    prices_include_tax = models.BooleanField(
        default=False, help_text="Catalog prices already include tax (usual in the UK and DE)."
    )
    shipping_fee = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[
            MinValueValidator(Decimal("0"), message="The shipping fee cannot be negative.")
        ],
    )
    free_shipping_threshold = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                Decimal("0"), message="The free-shipping threshold cannot be negative."
            )
        ],
        help_text="Subtotal from which shipping is free. Empty: never free.",
    )

    # What the skill tells shoppers.
    delivery_promise = models.CharField(max_length=200, blank=True)
    support_phone = models.CharField(max_length=40, blank=True)
    support_email = models.EmailField(blank=True)
    support_url = models.URLField(blank=True)
    refund_policy = models.TextField(blank=True)
    cancellation_policy = models.TextField(blank=True)

    # The skill's listing in the Alexa Skills Store (exported into skill.json).
    skill_small_icon_url = models.URLField(
        "small icon URL",
        blank=True,
        validators=[https_only],
        help_text="HTTPS address of a 108 × 108 pixel PNG.",
    )
    skill_large_icon_url = models.URLField(
        "large icon URL",
        blank=True,
        validators=[https_only],
        help_text="HTTPS address of a 512 × 512 pixel PNG.",
    )
    privacy_policy_url = models.URLField(
        "privacy policy URL",
        blank=True,
        validators=[https_only],
        help_text="Required to certify a skill that takes orders and payments.",
    )
    terms_of_use_url = models.URLField("terms of use URL", blank=True, validators=[https_only])
    skill_endpoint_url = models.URLField(
        "skill endpoint URL",
        blank=True,
        validators=[https_only],
        help_text="The HTTPS address Alexa sends the skill's requests to (this portal's "
        "/alexa/). Empty: the deployment's ALEXA_SKILL_ENDPOINT_URL.",
    )

    # Order notifications on Alexa (Proactive Events API): the skill's messaging credentials
    # from the Alexa developer console (Build > Permissions > Alexa Skill Messaging). The
    # secret is kept encrypted (``merchant.crypto``) and never shown again after saving.
    messaging_client_id = models.CharField(
        "Alexa Skill Messaging client id",
        max_length=200,
        blank=True,
        help_text="From the Alexa developer console: Build > Permissions > Alexa Skill Messaging.",
    )
    messaging_client_secret_encrypted = models.TextField(blank=True, editable=False)

    # Shopping agents (the ucp app): the store's UCP root, and its own host for the web shop
    # and the UCP root (``merchant.domains``).
    ucp_enabled = models.BooleanField(
        "sell through shopping agents (UCP)",
        default=True,
        help_text="Off: the store's UCP root (its profile included) answers 404.",
    )
    shop_domain = models.CharField(
        max_length=253,
        blank=True,
        default="",
        validators=[validate_shop_domain],
        help_text="A host name of the store's own, e.g. shop.example.com, pointed at this "
        "portal: its root is the web shop and the UCP root. Empty: none.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop_domain"],
                condition=~Q(shop_domain=""),
                name="store_shop_domain_unique",
                violation_error_message="Another store already uses this shop domain.",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0),
                name="store_tax_rate_gte_0",
                violation_error_message="The tax rate cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(shipping_fee__gte=0),
                name="store_shipping_fee_gte_0",
                violation_error_message="The shipping fee cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(free_shipping_threshold__isnull=True)
                | Q(free_shipping_threshold__gte=0),
                name="store_free_shipping_threshold_gte_0",
                violation_error_message="The free-shipping threshold cannot be negative.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def zoneinfo(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def uses_amazon_pay(self) -> bool:
        return self.payment_mode != PaymentMode.PAY_ON_DELIVERY

    @property
    def has_messaging_credentials(self) -> bool:
        """The store can send order notifications on Alexa."""
        return bool(self.messaging_client_id and self.messaging_client_secret_encrypted)

    def set_messaging_client_secret(self, plain: str) -> None:
        """Keep the secret encrypted ("" forgets it); the caller saves the store."""
        self.messaging_client_secret_encrypted = crypto.encrypt(plain)

    def messaging_client_secret(self) -> str:
        """The plain secret, for the token request only: never log or display it."""
        return crypto.decrypt(self.messaging_client_secret_encrypted)

    def alexa_endpoint_url(self) -> str:
        """The skill's endpoint, as the package and a publish give it to Alexa."""
        return self.skill_endpoint_url or settings.ALEXA_SKILL_ENDPOINT_URL

    def locales(self) -> list[str]:
        """Enabled locales, the default first."""
        rest = [loc for loc in self.enabled_locales if loc != self.default_locale]
        return [self.default_locale, *rest]

    def clean(self):
        self.shop_domain = normalized_domain(self.shop_domain)
        errors: dict[str, str | list[str]] = {}
        unknown = [loc for loc in self.enabled_locales or [] if loc not in LOCALE_CODES]
        if unknown:
            errors["enabled_locales"] = f"Unknown locale(s): {', '.join(unknown)}."
        if self.default_locale not in (self.enabled_locales or []):
            errors["default_locale"] = "The default locale must be one of the enabled locales."
        locales = [loc for loc in self.enabled_locales or [] if loc in LOCALE_CODES]
        invocation_errors = invocation_name_errors(self.invocation_name, locales or ["en-US"])
        if invocation_errors:
            errors["invocation_name"] = invocation_errors
        if self.uses_amazon_pay and not self.amazon_pay_seller_id:
            errors["amazon_pay_seller_id"] = "Amazon Pay needs a seller id."
        if errors:
            raise ValidationError(errors)


class SkillId(models.Model):
    """An Alexa skill id (development or live) that selects its store on ``/alexa/``."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="skill_ids")
    skill_id = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = "Alexa skill id"

    def __str__(self):
        return self.skill_id

    def clean(self):
        if not self.skill_id.startswith("amzn1.ask.skill."):
            raise ValidationError({"skill_id": "Alexa skill ids start with amzn1.ask.skill."})


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    CATALOG_EDITOR = "catalog_editor", "Catalog editor"
    SUPPORT_AGENT = "support_agent", "Support agent"


class Area(models.TextChoices):
    """What a role lets a staff member work on."""

    CATALOG = "catalog"
    ORDERS = "orders"
    REFUNDS = "refunds"
    SETTINGS = "settings"


class StaffMembership(models.Model):
    """A user's role in one store. A user may work for several stores."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    can_refund = models.BooleanField(
        default=False, help_text="Support agents may refund only with this permission."
    )
    # When the membership was made (empty for memberships older than this column): until the
    # member logs in after it, the store's staff page shows them as invited, whether or not
    # they already had a login for another store (that is no business of this store).
    created_at = models.DateTimeField(null=True, blank=True, default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "store"], name="one_membership_per_store")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.store}"

    def awaiting_first_login(self) -> bool:
        """Invited, and not logged in since: the same for a new login and for someone who
        already had one for another store."""
        last_login = self.user.last_login
        return self.created_at is not None and (last_login is None or last_login < self.created_at)

    def areas(self) -> set[str]:
        if self.role == Role.OWNER:
            return {Area.CATALOG, Area.ORDERS, Area.REFUNDS, Area.SETTINGS}
        if self.role == Role.CATALOG_EDITOR:
            return {Area.CATALOG}
        areas: set[str] = {Area.ORDERS}
        if self.can_refund:
            areas.add(Area.REFUNDS)
        return areas


class StaffAuditAction(models.TextChoices):
    INVITED = "invited", "Invited (new login)"
    ADDED = "added", "Added (existing login)"
    INVITATION_RESENT = "invitation_resent", "Invitation sent again"
    CHANGED = "changed", "Role changed"
    REMOVED = "removed", "Access removed"
    STORE_CREATED = "store_created", "Store created"


class StaffAuditEvent(models.Model):
    """One change to a store's staff, written by ``merchant.services`` in the transaction of
    the change; never edited. ``data`` keeps the email and the roles, so the entry still
    reads right after the login is deleted."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="staff_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=StaffAuditAction.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["store", "-created_at"], name="staff_event_store_time")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.data.get('email', '')} ({self.store})"

    def describe(self) -> str:
        """The entry as a sentence for the staff page (without who and when)."""
        data = self.data
        email = data.get("email", "?")
        if self.action == StaffAuditAction.CHANGED:
            before, after = data.get("before", {}), data.get("after", {})
            return f"changed {email} from {_role_words(before)} to {_role_words(after)}"
        if self.action == StaffAuditAction.REMOVED:
            return f"removed the access of {email} ({_role_words(data)})"
        if self.action == StaffAuditAction.STORE_CREATED:
            return f"created the store; {email} is its owner"
        if self.action == StaffAuditAction.INVITATION_RESENT:
            return f"sent the invitation to {email} again"
        # INVITED and ADDED read alike: whether the email has a login for another store is
        # that store's business, not this one's.
        return f"invited {email} as {_role_words(data)}"


def _role_words(data: dict) -> str:
    role = data.get("role", "")
    label = Role(role).label if role in Role.values else role or "?"
    if role == Role.SUPPORT_AGENT:
        return f"{label} ({'may' if data.get('can_refund') else 'may not'} refund)"
    return label
