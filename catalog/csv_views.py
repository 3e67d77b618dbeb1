"""The catalog's CSV pages in the admin (``ProductAdmin.get_urls``): export one store's
products, and import a file into one store after a dry run that lists every row's changes
and errors in words. Owners and catalog editors, for their stores only."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from merchant.admin_scoping import allowed_stores
from merchant.models import Area, Store

from . import services
from .csv_resource import ProductResource


class StoreChoiceForm(forms.Form):
    store = forms.ModelChoiceField(
        queryset=Store.objects.none(),
        empty_label=None,
        help_text="One store at a time: the file holds only this store's products.",
    )

    def __init__(self, *args, stores, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["store"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Store.objects.filter(pk__in=[s.pk for s in stores])
        field.error_messages["invalid_choice"] = "Choose one of your stores."


class ImportForm(StoreChoiceForm):
    file = forms.FileField(
        label="CSV file",
        required=False,
        help_text="UTF-8 CSV with a header line, as the export writes it.",
    )
    # The confirmation step sends the checked file back as text (checked again on saving).
    csv_text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not cleaned.get("csv_text"):
            self.add_error("file", "Choose the CSV file to import.")
        return cleaned

    def data_bytes(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(services.CSV_MAX_BYTES + 1)
        return self.cleaned_data["csv_text"].encode("utf-8")


def _stores(request):
    stores = allowed_stores(request, Area.CATALOG)
    if not stores:
        raise PermissionDenied("Only a store's owners and catalog editors import its catalog.")
    return stores


def _render(request, template, context):
    return render(request, template, {**admin.site.each_context(request), **context})


def export_view(request, model_admin):
    stores = _stores(request)
    form = StoreChoiceForm(request.GET or None, stores=stores)
    if form.is_bound and form.is_valid():
        store = form.cleaned_data["store"]
        dataset = ProductResource(store=store).export()
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
        filename = f"{store.slug}-catalog-{date.today().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if not form.is_bound and len(stores) == 1:
        form = StoreChoiceForm(initial={"store": stores[0]}, stores=stores)
    response = _render(
        request,
        "admin/catalog/product/csv_export.html",
        {"title": "Export the catalog", "form": form, "opts": model_admin.model._meta},
    )
    response.status_code = 400 if form.is_bound else 200
    return response


def import_view(request, model_admin):
    """GET: the form. POST without ``confirm``: the dry run (nothing saved). POST with
    ``confirm``: the same file checked again and saved whole, or not at all."""
    stores = _stores(request)
    if request.method != "POST":
        initial = {"store": stores[0]} if len(stores) == 1 else {}
        form = ImportForm(initial=initial, stores=stores)
        return _page(request, model_admin, form, None, "")
    form = ImportForm(request.POST, request.FILES, stores=stores)
    if not form.is_valid():
        return _page(request, model_admin, form, None, "", status=400)
    store = form.cleaned_data["store"]
    data = form.data_bytes()
    confirm = "confirm" in request.POST and not form.cleaned_data.get("file")
    report = services.products_import_csv(
        store=store,
        data=data,
        actor=request.user,
        form_class=model_admin.get_form(request),
        dry_run=not confirm,
    )
    if report.saved:
        messages.success(
            request,
            f"Imported into {store.name}: {report.count('new')} new, "
            f"{report.count('changed')} changed, {report.count('unchanged')} unchanged. "
            "The skill package has changed: export it again before the next certification.",
        )
        return redirect(f"{_changelist(model_admin)}?store__id__exact={store.pk}")
    text = data.decode("utf-8-sig", errors="replace") if not report.errors else ""
    confirm_form = ImportForm(initial={"store": store, "csv_text": text}, stores=stores)
    return _page(
        request,
        model_admin,
        form if report.refused else confirm_form,
        report,
        store.name,
        status=400 if report.refused else 200,
    )


def _changelist(model_admin) -> str:
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def _page(request, model_admin, form, report, store_name, status=200):
    response = _render(
        request,
        "admin/catalog/product/csv_import.html",
        {
            "title": "Import the catalog",
            "form": form,
            "report": report,
            "store_name": store_name,
            "opts": model_admin.model._meta,
            "changelist_url": _changelist(model_admin),
        },
    )
    response.status_code = status
    return response
