"""What the SMAPI sandbox keeps: Amazon's side of a store's developer account.

A vendor (one per store in sandbox mode) owns skills, uploads, imports and in-skill
products; tokens and authorization codes are kept as SHA-256 digests only. A skill has one
row per stage (its manifest, account-linking client and enablement) and one interaction
model per stage and locale, each with the ETag SMAPI returns for it. The asynchronous
operations (imports, builds, validations, simulations) keep when they were asked for and
how often they were polled: they answer IN_PROGRESS until ``ready_at`` has passed and they
have been polled once (``services.is_due``).
"""

import hashlib

from django.db import models

from merchant.models import Store


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Vendor(models.Model):
    """The store's Amazon developer account in the sandbox, with its LWA security profile."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="smapi_vendor")
    vendor_id = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    client_id = models.CharField(max_length=100, unique=True)
    # Kept readable: it opens nothing but this sandbox, and the token command prints it again.
    client_secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.vendor_id} ({self.store})"


class Token(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", "Access token"
        REFRESH = "refresh", "Refresh token"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # None: a refresh token
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.kind} token of {self.vendor_id}"


class AuthorizationCode(models.Model):
    """A code the sandbox's authorize page gave an owner's browser (single use, 5 minutes)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.CharField(max_length=500)
    scope = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self):
        return f"code for {self.client_id}"


class Skill(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="skills")
    skill_id = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.skill_id


class Stage(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20)
    manifest = models.JSONField(default=dict)
    manifest_etag = models.CharField(max_length=64, blank=True)
    manifest_errors = models.JSONField(default=list)
    manifest_ready_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=False)
    account_linking = models.JSONField(null=True, blank=True)
    account_linking_etag = models.CharField(max_length=64, blank=True)
    # The simulator's shopper between simulations (``ConsoleShopper.as_dict``): its user and
    # device, and the session a DEFAULT simulation continues.
    simulator = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill", "stage"], name="smapi_one_row_per_stage")
        ]

    def __str__(self):
        return f"{self.skill_id} {self.stage}"


class InteractionModel(models.Model):
    """One locale's model and its last build (``build_errors``: SMAPI's error objects)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="models")
    locale = models.CharField(max_length=10)
    model = models.JSONField()
    etag = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    build_errors = models.JSONField(default=list)
    build_ready_at = models.DateTimeField()
    build_polls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "locale"], name="smapi_one_model_per_locale")
        ]

    def __str__(self):
        return f"{self.locale} model"


class Upload(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="uploads")
    upload_id = models.CharField(max_length=64, unique=True)
    content = models.BinaryField(null=True, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self):
        return self.upload_id


class Import(models.Model):
    """One package import; ``result``: the ImportResponse once it finished."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="imports")
    import_id = models.CharField(max_length=64, unique=True)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="imports")
    location = models.CharField(max_length=500)
    ready_at = models.DateTimeField()
    polls = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.import_id


class Validation(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="validations")
    validation_id = models.CharField(max_length=64, unique=True)
    locales = models.JSONField()
    ready_at = models.DateTimeField()
    polls = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)

    def __str__(self):
        return self.validation_id


class Simulation(models.Model):
    """One simulated utterance; ``endpoint_origin``: this portal's origin, whose ``/alexa/``
    the sandbox calls (it never calls another host)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="simulations")
    simulation_id = models.CharField(max_length=64, unique=True)
    request = models.JSONField()
    endpoint_origin = models.CharField(max_length=300)
    ready_at = models.DateTimeField()
    polls = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)

    def __str__(self):
        return self.simulation_id


class Product(models.Model):
    """An in-skill product (its development-stage definition) and the skills it is for."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="products")
    product_id = models.CharField(max_length=100, unique=True)
    definition = models.JSONField()
    etag = models.CharField(max_length=64)
    skills = models.ManyToManyField(Skill, related_name="products", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.product_id


class Certification(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="certifications")
    certification_id = models.CharField(max_length=64, unique=True)
    publication_method = models.CharField(max_length=20)
    version_message = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.certification_id
