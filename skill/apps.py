import logging

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

logger = logging.getLogger("skill")

VERIFY_OFF = (
    "ALEXA_VERIFY_REQUESTS is off while DEBUG is off: /alexa/ accepts unsigned requests "
    "from anyone. Turn it off for local testing only."
)


def check_verification(app_configs=None, **kwargs):
    """Warn loudly when request verification is off outside local development."""
    if settings.ALEXA_VERIFY_REQUESTS or settings.DEBUG:
        return []
    return [checks.Warning(VERIFY_OFF, id="skill.W001")]


def _move_merged_customer(sender, *, into, other, **kwargs):
    # Imported here: services import models, which need the app registry (ready() runs first).
    from .services import customer_merged_move

    customer_merged_move(into=into, other=other)


def _erase_words(sender, *, customer, **kwargs):
    # Imported here: services import models, which need the app registry (ready() runs first).
    from .services import interactions_erase_words

    interactions_erase_words(customer=customer)


class SkillConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "skill"

    def ready(self):
        # Imported here, not at the top: models (and the modules that import them) can only
        # be imported once the app registry is ready, which is what ready() is for.
        from django.db.models.signals import post_delete, post_save

        from catalog.models import Category, CategoryLocalization, Product, ProductLocalization
        from catalog.signals import catalog_changed
        from isp.models import ContentCollection, InSkillProduct
        from merchant.models import SkillId, Store
        from orders.models import Customer
        from orders.signals import customer_erased, customers_merged

        from .runtime import clear_store_cache
        from .selectors import clear_catalog_cache

        # A store's first in-skill product or content collection changes what its skill offers.
        for model in (Store, SkillId, InSkillProduct, ContentCollection):
            post_save.connect(clear_store_cache, sender=model, dispatch_uid=f"skill-{model}")
            post_delete.connect(clear_store_cache, sender=model, dispatch_uid=f"skill-d-{model}")
        for catalog_model in (Store, Category, CategoryLocalization, Product, ProductLocalization):
            post_save.connect(
                clear_catalog_cache, sender=catalog_model, dispatch_uid=f"skill-c-{catalog_model}"
            )
            post_delete.connect(
                clear_catalog_cache, sender=catalog_model, dispatch_uid=f"skill-cd-{catalog_model}"
            )
        catalog_changed.connect(clear_catalog_cache, dispatch_uid="skill-catalog-changed")
        customers_merged.connect(
            _move_merged_customer, sender=Customer, dispatch_uid="skill_move_merged_customer"
        )
        customer_erased.connect(
            _erase_words, sender=Customer, dispatch_uid="skill_erase_shopper_words"
        )
        checks.register(check_verification, checks.Tags.security, deploy=False)
        if not settings.ALEXA_VERIFY_REQUESTS and not settings.DEBUG:
            logger.warning("!!! %s", VERIFY_OFF)
