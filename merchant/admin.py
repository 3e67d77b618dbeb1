"""Store settings (owners only) and staff roles."""

from django import forms
from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from . import views
from .admin_scoping import StoreScopedAdmin, StoreScopedInline
from .models import LOCALES, Area, SkillId, StaffMembership, Store, time_zone_names
from .store_services import may_create_store
from .store_wizard import StoreWizard

admin.site.site_header = "Voice store portal"
admin.site.site_title = "Voice store portal"
admin.site.index_title = "Your stores"
admin.site.enable_nav_sidebar = False


class StoreForm(forms.ModelForm):
    enabled_locales = forms.MultipleChoiceField(
        choices=LOCALES, widget=forms.CheckboxSelectMultiple, help_text="Locales the skill speaks."
    )
    # Write-only: the saved secret is never sent back to the browser (render_value=False);
    # an empty field keeps it, "forget" removes it.
    messaging_client_secret = forms.CharField(
        label="Alexa Skill Messaging client secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    forget_messaging_client_secret = forms.BooleanField(
        label="Forget the saved client secret", required=False
    )
    time_zone = forms.ChoiceField(
        choices=lambda: [(name, name) for name in sorted(time_zone_names())],
        help_text=Store._meta.get_field("time_zone").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = bool(self.instance.pk and self.instance.messaging_client_secret_encrypted)
        self.fields["messaging_client_secret"].help_text = (
            "Set. Leave empty to keep it, or type a new one to replace it."
            if saved
            else "Not set. Needed with the client id to send order notifications on Alexa."
        )

    def save(self, commit=True):
        secret = self.cleaned_data.get("messaging_client_secret", "")
        if secret:
            self.instance.set_messaging_client_secret(secret)
        elif self.cleaned_data.get("forget_messaging_client_secret"):
            self.instance.set_messaging_client_secret("")
        return super().save(commit=commit)

    class Meta:
        model = Store
        fields = [
            f.name
            for f in Store._meta.fields
            if f.editable and f.name not in {"id", "created_at", "updated_at"}
        ]


class SkillIdInline(StoreScopedInline, admin.TabularInline):
    model = SkillId
    extra = 0
    area = Area.SETTINGS


@admin.register(Store)
class StoreAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    form = StoreForm
    inlines = [SkillIdInline]
    list_display = ["name", "slug", "invocation_name", "payment_mode", "currency", "sandbox_mode"]
    search_fields = ["name", "slug", "invocation_name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "invocation_name"]}),
        (
            "Languages and money",
            {
                "fields": [
                    "default_locale",
                    "enabled_locales",
                    "currency",
                    "time_zone",
                    "tax_rate",
                    "prices_include_tax",
                    "shipping_fee",
                    "free_shipping_threshold",
                ]
            },
        ),
        (
            "Payment",
            {
                "fields": [
                    "payment_mode",
                    "amazon_pay_seller_id",
                    "country_of_establishment",
                    "sandbox_mode",
                    "sandbox_customer_email",
                    "authorization_expiry_action",
                ]
            },
        ),
        (
            "Web shop and shopping agents",
            {
                "description": (
                    "The store's own domain serves its web shop at its root and its UCP root "
                    "(/.well-known/ucp): point the domain's DNS at this portal first."
                ),
                "fields": ["ucp_enabled", "shop_domain"],
            },
        ),
        (
            "What shoppers hear",
            {
                "fields": [
                    "delivery_promise",
                    "support_phone",
                    "support_email",
                    "support_url",
                    "refund_policy",
                    "cancellation_policy",
                ]
            },
        ),
        (
            "Order notifications on Alexa",
            {
                "description": (
                    "The skill's messaging credentials from the Alexa developer console "
                    "(Build > Permissions > Alexa Skill Messaging). With both set, the skill "
                    "offers shoppers a notification when their order ships."
                ),
                "fields": [
                    "messaging_client_id",
                    "messaging_client_secret",
                    "forget_messaging_client_secret",
                ],
            },
        ),
        (
            "Skill listing",
            {
                "description": "Written into the exported skill package (skill.json).",
                "fields": [
                    "skill_small_icon_url",
                    "skill_large_icon_url",
                    "privacy_policy_url",
                    "terms_of_use_url",
                    "skill_endpoint_url",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        qs = super(StoreScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=[s.pk for s in self.allowed_stores(request)])

    def object_store_id(self, obj):
        return obj.pk

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        extra = {"may_create_store": may_create_store(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def get_urls(self):
        # The staff pages (merchant/views.py): owners invite colleagues and change roles.
        wrap = self.admin_site.admin_view
        return [
            path("staff/", wrap(views.staff_index), name="merchant_store_staff_index"),
            # The new-store wizard (merchant/store_wizard.py): owners create another store.
            path("new/", wrap(StoreWizard.as_view()), name="merchant_store_wizard"),
            path("<int:store_id>/staff/", wrap(views.staff_list), name="merchant_store_staff"),
            path(
                "<int:store_id>/staff/<int:membership_id>/",
                wrap(views.staff_member),
                name="merchant_store_staff_member",
            ),
            *super().get_urls(),
        ]


@admin.register(StaffMembership)
class StaffMembershipAdmin(StoreScopedAdmin):
    """Read-only: staff are invited, changed and removed on the store's staff page, where
    every change is audited and the last owner is kept."""

    area = Area.SETTINGS
    list_display = ["user", "store", "role", "can_refund", "staff_page"]
    list_filter = ["role", "store"]
    search_fields = ["user__username", "user__email"]

    @admin.display(description="Change")
    def staff_page(self, obj):
        url = reverse("admin:merchant_store_staff_member", args=[obj.store_id, obj.pk])
        return format_html('<a href="{}">On the staff page</a>', url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
