from django.apps import AppConfig


class ShoppersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shoppers"

    def ready(self) -> None:
        # App loading: register the Celery tasks in every process (the services queue them by
        # name through the outbox), connect the receivers of orders' signals and add the web
        # account to the support console's customer page.
        from orders.customer_sections import register_customer_section

        from . import signals, tasks  # noqa: F401
        from .support import addresses_section, web_account_section

        register_customer_section(web_account_section)
        register_customer_section(addresses_section)
