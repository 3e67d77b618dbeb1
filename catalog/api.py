"""The catalog API: ``/api/categories/`` and ``/api/products/`` (read and write, with their
per-locale texts, synonyms, prices and stock) and ``POST /api/products/<id>/stock-adjustments/``.

For staff who work on the catalog (owners, catalog editors) with a session or HTTP Basic, and
for a store's API key with ``catalog:read`` (reads) or ``catalog:write`` (writes). Only the
caller's stores: ``?store=<slug>`` narrows a list to one (another store's slug is a 404, as in
the analytics API) and names the store a new category or product belongs to. Writes go
through ``catalog.product_services`` with the admin's rules and words; a refusal is a 400
whose fields say what to change, a refused stock adjustment a 409 with a ``code``.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from apikeys.auth import StaffOrScopedKey, acting
from merchant.models import Area, Store
from merchant.selectors import stores_for_user

from . import product_services
from .models import Category, Product, ProductSynonym, StockAdjustment
from .product_services import TEXT_FIELDS


class CatalogPage(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# Serializers ---------------------------------------------------------------------------------


class CategoryText(serializers.Serializer):
    spoken_name = serializers.CharField(max_length=80)


class CategorySerializer(serializers.ModelSerializer):
    store: serializers.SlugRelatedField[Store] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    texts = serializers.DictField(
        child=CategoryText(allow_null=True),
        required=False,
        help_text='Per locale, e.g. {"de-DE": {"spoken_name": "Rasierer"}}; null removes one.',
    )

    class Meta:
        model = Category
        fields = ["id", "store", "name", "spoken_name", "position", "texts"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["texts"] = {
            loc.locale: {"spoken_name": loc.spoken_name} for loc in instance.localizations.all()
        }
        return data


class ProductText(serializers.Serializer):
    spoken_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    spoken_description = serializers.CharField(required=False, allow_blank=True)
    card_description = serializers.CharField(required=False, allow_blank=True)


class Synonym(serializers.Serializer):
    value = serializers.CharField(max_length=140)
    locale = serializers.CharField(max_length=5, required=False, allow_blank=True, default="")


class ProductSerializer(serializers.ModelSerializer):
    store: serializers.SlugRelatedField[Store] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    category = serializers.IntegerField(source="category_id", help_text="The category's id.")
    texts = serializers.DictField(
        child=ProductText(allow_null=True),
        required=False,
        help_text="Per locale other than the product's own text; null removes one.",
    )
    synonyms = Synonym(many=True, required=False, help_text="The complete list on writes.")
    # Checked by the admin's product form, with its words (a price above zero, stock >= 0).
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    stock = serializers.IntegerField(
        allow_null=True, required=False, help_text="Units in stock; null: unlimited."
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "store",
            "category",
            "sku",
            "name",
            "spoken_name",
            "spoken_description",
            "card_description",
            "image_url",
            "price",
            "currency",
            "stock",
            "low_stock_threshold",
            "active",
            "best_seller",
            "repeat_purchase",
            "refill_interval_weeks",
            "texts",
            "synonyms",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators: list = []  # the SKU's uniqueness: the admin's form says it
        extra_kwargs = {"currency": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["texts"] = {
            loc.locale: {field: getattr(loc, field) for field in TEXT_FIELDS}
            for loc in instance.localizations.all()
        }
        data["synonyms"] = [
            {"value": syn.value, "locale": syn.locale} for syn in instance.synonyms.all()
        ]
        return data


class StockAdjustmentRequest(serializers.Serializer):
    delta = serializers.IntegerField(
        min_value=-1_000_000, max_value=1_000_000, help_text="Units: + received, − lost."
    )
    reason = serializers.CharField(max_length=200)


class StockAdjustmentSerializer(serializers.ModelSerializer):
    stock = serializers.IntegerField(source="stock_after")

    class Meta:
        model = StockAdjustment
        fields = ["id", "product", "delta", "reason", "stock", "created_at"]


# Filters -------------------------------------------------------------------------------------


class CategoryFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Category
        fields = ["name"]


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", help_text="Part of the name or the SKU.")
    category = django_filters.NumberFilter(field_name="category_id")
    sku = django_filters.CharFilter(field_name="sku", lookup_expr="iexact")
    active = django_filters.BooleanFilter()
    in_stock = django_filters.BooleanFilter(method="filter_in_stock")

    class Meta:
        model = Product
        fields = ["q", "category", "sku", "active", "in_stock"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value) | queryset.filter(sku__icontains=value)

    def filter_in_stock(self, queryset, name, value):
        sellable = queryset.filter(stock__isnull=True) | queryset.filter(stock__gt=0)
        return sellable if value else queryset.filter(stock=0)


# Views ---------------------------------------------------------------------------------------


def _refused(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class CatalogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [StaffOrScopedKey]
    api_scope = "catalog"
    pagination_class = CatalogPage
    filter_backends = [DjangoFilterBackend]

    def stores(self):
        return stores_for_user(user=self.request.user, area=Area.CATALOG)

    def chosen_store(self) -> Store | None:
        """The ``?store=`` store (404 unless it is one of the caller's), else None."""
        slug = self.request.query_params.get("store")
        if not slug:
            return None
        store = self.stores().filter(slug=slug).first()
        if store is None:
            raise Http404("No store you work for has this slug.")
        return store

    def store_for_create(self) -> Store:
        store = self.chosen_store()
        if store is not None:
            return store
        stores = list(self.stores()[:2])
        if len(stores) == 1:
            return stores[0]
        raise ValidationError({"store": ["Say which store with ?store=<slug>."]})

    def create(self, request, *args, **kwargs):
        # The store first: another store's slug is a 404 whatever the body says.
        self.store_to_create_in = self.store_for_create()
        return super().create(request, *args, **kwargs)

    def scoped(self, queryset):
        store = self.chosen_store()
        queryset = queryset.filter(store__in=self.stores())
        return queryset.filter(store=store) if store is not None else queryset


STORE_PARAMETER = OpenApiParameter(
    "store",
    OpenApiTypes.STR,
    description="A store's slug: one of yours (with a key, the key's store).",
)


def _named(noun: str, plural: str, article: str = "a") -> dict:
    """Each action's operation id and summary, e.g. listProducts, "List products"."""
    title = noun.title()
    return {
        "list": extend_schema(
            operation_id=f"list{plural.title()}",
            summary=f"List {plural}",
            parameters=[STORE_PARAMETER],
        ),
        "create": extend_schema(
            operation_id=f"create{title}",
            summary=f"Create {article} {noun}",
            parameters=[STORE_PARAMETER],
        ),
        "retrieve": extend_schema(operation_id=f"get{title}", summary=f"Get {article} {noun}"),
        "update": extend_schema(
            operation_id=f"replace{title}", summary=f"Replace {article} {noun}"
        ),
        "partial_update": extend_schema(
            operation_id=f"update{title}", summary=f"Change some fields of {article} {noun}"
        ),
    }


@extend_schema(tags=["catalog"])
@extend_schema_view(**_named("category", "categories"))
class CategoryViewSet(CatalogViewSet):
    """Categories of the stores you work on the catalog for, in spoken order."""

    serializer_class = CategorySerializer
    filterset_class = CategoryFilter

    def get_queryset(self):
        return self.scoped(Category.objects.select_related("store")).prefetch_related(
            "localizations"
        )

    def _write(self, serializer, store, category):
        data = serializer.validated_data
        texts = data.pop("texts", None)
        try:
            saved = product_services.category_write(
                store=store,
                category=category,
                data=data,
                texts=texts,
                actor=acting(self.request)["actor"],
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        serializer.instance = self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer):
        self._write(serializer, self.store_to_create_in, None)

    def perform_update(self, serializer):
        self._write(serializer, serializer.instance.store, serializer.instance)


@extend_schema(tags=["catalog"])
@extend_schema_view(**_named("product", "products"))
class ProductViewSet(CatalogViewSet):
    """Products of the stores you work on the catalog for, with their texts per locale,
    synonyms, price and stock. Filter with ``q``, ``category``, ``sku``, ``active``,
    ``in_stock``; ``?store=<slug>`` for one store."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter

    def get_queryset(self):
        return self.scoped(Product.objects.select_related("store")).prefetch_related(
            "localizations", Prefetch("synonyms", queryset=ProductSynonym.objects.order_by("pk"))
        )

    def _write(self, serializer, store, product):
        data = dict(serializer.validated_data)
        texts = data.pop("texts", None)
        synonyms = data.pop("synonyms", None)
        if "category_id" in data:
            data["category"] = data.pop("category_id")
        try:
            saved = product_services.product_write(
                store=store,
                product=product,
                data=data,
                texts=texts,
                synonyms=synonyms,
                actor=acting(self.request)["actor"],
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        serializer.instance = self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer):
        self._write(serializer, self.store_to_create_in, None)

    def perform_update(self, serializer):
        self._write(serializer, serializer.instance.store, serializer.instance)


@extend_schema(tags=["catalog"])
@extend_schema_view(
    create=extend_schema(
        operation_id="adjustProductStock",
        summary="Add or take units of a product's stock",
        request=StockAdjustmentRequest,
        responses={201: StockAdjustmentSerializer},
    )
)
class StockAdjustmentViewSet(viewsets.GenericViewSet):
    """``POST /api/products/<id>/stock-adjustments/``: ``{"delta": 5, "reason": "..."}``."""

    permission_classes = [StaffOrScopedKey]
    api_scope = "catalog"
    serializer_class = StockAdjustmentRequest

    def create(self, request, product_pk=None):
        product = (
            Product.objects.filter(
                pk=product_pk, store__in=stores_for_user(user=request.user, area=Area.CATALOG)
            )
            .select_related("store")
            .first()
        )
        if product is None:
            raise Http404("No product of yours has this id.")
        payload = StockAdjustmentRequest(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            adjustment = product_services.product_stock_adjust(
                store=product.store,
                product_id=product.pk,
                delta=payload.validated_data["delta"],
                reason=payload.validated_data["reason"],
                **acting(request),
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        except product_services.StockError as exc:
            return Response(
                {"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT
            )
        return Response(StockAdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)
