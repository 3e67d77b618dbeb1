"""Store scoping for every admin page: staff see and change only their stores' rows.

A ModelAdmin names the ``area`` it belongs to (catalog, orders, settings); the staff
member's roles decide which stores they reach in that area. Django's per-model
permissions are not used for store staff: the role is the permission.

Scoping covers every list of choices the admin draws from other tables, not just the rows
of the page: foreign-key dropdowns of forms and inlines, the changelist's "By store" /
"By category" filters and autocomplete answers. A staff member of one store never sees the
name of another store or of its categories and products anywhere in the admin.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path

from .admin_forms import NoSilentTruncation
from .selectors import stores_for_user, user_can


def allowed_stores(request, area):
    """The stores ``request.user`` reaches in ``area``, computed once per request."""
    cache = request.__dict__.setdefault("_allowed_stores", {})
    if area not in cache:
        cache[area] = list(stores_for_user(user=request.user, area=area))
    return cache[area]


def scoped_choices(model, request, area):
    """The rows of ``model`` a staff member may be offered as choices: their stores, their
    stores' rows, users who work for their stores; ``None`` when unrestricted (superusers,
    models that belong to no store)."""
    if request.user.is_superuser:
        return None
    store_ids = [s.pk for s in allowed_stores(request, area)]
    label = model._meta.label
    if label == "merchant.Store":
        return model._default_manager.filter(pk__in=store_ids)
    if label == "auth.User":
        return model._default_manager.filter(memberships__store__in=store_ids).distinct()
    if any(f.name == "store" for f in model._meta.fields):
        return model._default_manager.filter(store__in=store_ids)
    return None


def _scoped_formfield_for_foreignkey(admin_obj, db_field, request, kwargs):
    queryset = scoped_choices(db_field.related_model, request, admin_obj.area)
    if queryset is not None:
        kwargs["queryset"] = queryset
    return kwargs


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """ "By store", "By category", ...: only the staff member's stores and their rows."""

    def field_choices(self, field, request, model_admin):
        queryset = scoped_choices(field.related_model, request, model_admin.area)
        if queryset is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class StoreScopedAdmin(NoSilentTruncation, admin.ModelAdmin):
    area: str = ""
    store_field = "store"

    def allowed_stores(self, request):
        return allowed_stores(request, self.area)

    def object_store_id(self, obj):
        return getattr(obj, f"{self.store_field}_id")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.store_field}__in": self.allowed_stores(request)})

    def _in_area(self, request, obj=None):
        stores = self.allowed_stores(request)
        if obj is None:
            return bool(stores)
        return self.object_store_id(obj) in {s.pk for s in stores}

    def has_module_permission(self, request):
        return self._in_area(request)

    def has_view_permission(self, request, obj=None):
        return self._in_area(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._in_area(request, obj)

    def has_add_permission(self, request):
        return self._in_area(request)

    def has_delete_permission(self, request, obj=None):
        return self._in_area(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices for store-owned relations come from the staff member's stores only."""
        kwargs = _scoped_formfield_for_foreignkey(self, db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = _scoped_formfield_for_foreignkey(self, db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        """Relation filters named by field ("store", "category") list scoped choices."""
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                field = get_fields_from_path(self.model, entry)[-1]
                if field.is_relation:
                    entry = (entry, ScopedRelatedFieldListFilter)
            scoped.append(entry)
        return scoped

    def get_search_results(self, request, queryset, search_term):
        """Searches, autocomplete answers included, stay in the staff member's stores."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not request.user.is_superuser:
            queryset = queryset.filter(pk__in=self.get_queryset(request).values("pk"))
        return queryset, may_have_duplicates


class StoreScopedInline(NoSilentTruncation):
    """Inline rows inherit the parent's store and its permissions; their dropdowns offer
    only the staff member's stores' rows."""

    area: str  # set by each inline

    def has_view_permission(self, request, obj=None):
        return obj is None or user_can(user=request.user, store=self._store(obj), area=self.area)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return obj is None or user_can(user=request.user, store=self._store(obj), area=self.area)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = _scoped_formfield_for_foreignkey(self, db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @staticmethod
    def _store(obj):
        return obj if obj._meta.label == "merchant.Store" else obj.store
