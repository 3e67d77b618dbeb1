from django.apps import AppConfig


class LinkingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linking"

    def ready(self) -> None:
        # App loading: add the account's link to Alexa to the support console's customer
        # page, in every process (as shoppers and cards add theirs).
        from orders.customer_sections import register_customer_section

        from .support import linked_alexa_section

        register_customer_section(linked_alexa_section)
