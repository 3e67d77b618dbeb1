"""Store scoping for every admin page: staff see and change only their stores' rows.

A ModelAdmin names the ``area`` it belongs to (catalog, orders, settings); the staff
member's roles decide which stores they reach in that area. Django's per-model
permissions are not used for store staff: the role is the permission.
"""

from django.contrib import admin

from .selectors import stores_for_user, user_can


class StoreScopedAdmin(admin.ModelAdmin):
    area: str = ""
    store_field = "store"

    def allowed_stores(self, request):
        cache = request.__dict__.setdefault("_allowed_stores", {})
        if self.area not in cache:
            cache[self.area] = list(stores_for_user(user=request.user, area=self.area))
        return cache[self.area]

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
        related = db_field.related_model
        store_ids = [s.pk for s in self.allowed_stores(request)]
        if related._meta.label == "auth.User" and not request.user.is_superuser:
            kwargs["queryset"] = related.objects.filter(memberships__store__in=store_ids).distinct()
        elif related._meta.label == "merchant.Store":
            kwargs["queryset"] = related.objects.filter(pk__in=store_ids)
        elif any(f.name == "store" for f in related._meta.fields):
            kwargs["queryset"] = related.objects.filter(store__in=store_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StoreScopedInline:
    """Inline rows inherit the parent's store and its permissions."""

    def has_view_permission(self, request, obj=None):
        return obj is None or user_can(user=request.user, store=self._store(obj), area=self.area)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return obj is None or user_can(user=request.user, store=self._store(obj), area=self.area)

    @staticmethod
    def _store(obj):
        return obj if obj._meta.label == "merchant.Store" else obj.store
