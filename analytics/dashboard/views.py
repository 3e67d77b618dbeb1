"""The owner's dashboard, mounted at ``/dashboard/``.

Owners only (the settings area, as the staff pages; superusers: every store). A colleague
of another role in the store gets 403; a store the user does not work for, or that does not
exist, 404. Owners must have given their second factor (``STAFF_REQUIRE_2FA``): these views
apply the same rule as the middleware does under ``/admin/`` and ``/console/``. The two
actions are POSTs (CSRF-protected) that call ``catalog.services`` and ``isp.experiments``.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from catalog.services import product_synonym_add
from isp.experiments import experiment_end
from isp.models import UpsellExperiment
from merchant.models import Area, Role, Store
from merchant.navigation import portal_navigation
from merchant.selectors import store_in_memberships, stores_for_user, works_for
from merchant.two_factor import StaffTwoFactorMiddleware, second_factor_missing

from .. import periods
from . import charts, ranges
from .forms import ExperimentEndForm, RangeForm, SynonymAddForm
from .page import Dashboard


def owners_only(view):
    """Logged in, second factor given when required, and the owner of the store ``slug``
    (passed to the view as ``store``)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, slug=None, **kwargs):
        if second_factor_missing(request):
            return StaffTwoFactorMiddleware.turn_away(request)
        if slug is None:
            return view(request, *args, **kwargs)
        return view(request, *args, store=_owned_store(request, slug), **kwargs)

    return wrapped


def _owned_store(request, slug: str) -> Store:
    user = request.user
    if user.is_active and not user.is_superuser and getattr(user, "api_key_store_id", None) is None:
        # The header's memberships (read once per request) answer it without a query.
        memberships = portal_navigation(request)["portal"].memberships
        owned, works = store_in_memberships(memberships=memberships, slug=slug, area=Area.SETTINGS)
        if owned is not None:
            return owned
        if works:
            raise PermissionDenied("Only the store's owners see its dashboard.")
        raise Http404("No store you own has this slug.")
    store = stores_for_user(user=user, area=Area.SETTINGS).filter(slug=slug).first()
    if store is not None:
        return store
    other = Store.objects.filter(slug=slug).only("pk").first()
    if other is not None and works_for(user=user, store_id=other.pk):
        raise PermissionDenied("Only the store's owners see its dashboard.")
    raise Http404("No store you own has this slug.")


@require_GET
@owners_only
def dashboard_index(request):
    """The stores the user owns: straight to the only one, else a choice."""
    stores = list(stores_for_user(user=request.user, area=Area.SETTINGS).order_by("name"))
    if not stores:
        raise PermissionDenied("The dashboard is for store owners.")
    if len(stores) == 1:
        return redirect("dashboard:page", slug=stores[0].slug)
    return render(request, "analytics/dashboard_index.html", {"stores": stores})


def _page_url(store, period, anchor: str = "") -> str:
    url = f"{reverse('dashboard:page', args=[store.slug])}?{period.query()}"
    return f"{url}#{anchor}" if anchor else url


@require_GET
@owners_only
def dashboard_page(request, store):
    period, range_form = RangeForm.period_of(request.GET, store=store)
    dashboard = Dashboard(store, period)
    built = charts.build_all(dashboard)
    for chart in built.values():
        url = reverse("dashboard:chart_csv", args=[store.slug, chart.key])
        chart.csv_url = f"{url}?{period.query()}"
    context = {
        "store": store,
        "period": period,
        "previous": period.previous,
        "range_form": range_form,
        "presets": [(key, label, key == period.key) for key, label in ranges.CHOICES],
        "d": dashboard,
        "charts": built,
        "range_params": period.params(),
        "today": periods.store_today(store),
        "other_stores": _owns_another(request, store),
    }
    return render(request, "analytics/dashboard.html", context)


def _owns_another(request, store) -> bool:
    """Whether the user owns a store besides ``store``: from the memberships the page's
    header reads anyway (a superuser: any other store)."""
    if request.user.is_superuser:
        return Store.objects.exclude(pk=store.pk).exists()
    memberships = portal_navigation(request)["portal"].memberships
    return any(m.role == Role.OWNER and m.store_id != store.pk for m in memberships)


@require_GET
@owners_only
def chart_csv(request, store, chart: str):
    if chart not in charts.CHARTS:
        raise Http404("No chart has this name.")
    form = RangeForm(request.GET, store=store)
    if not form.is_valid():
        errors = [str(e) for messages_ in form.errors.values() for e in messages_]
        return HttpResponseBadRequest(" ".join(errors), content_type="text/plain")
    period = form.cleaned_data["period"]
    built = charts.build(Dashboard(store, period), chart)
    response = HttpResponse(built.csv(), content_type="text/csv; charset=utf-8")
    name = f"{store.slug}-{chart}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _back(request, store, anchor: str):
    """The page the form was on: the range its hidden fields name (or the default)."""
    period, _ = RangeForm.period_of(request.POST, store=store)
    return redirect(_page_url(store, period, anchor))


@require_POST
@owners_only
def synonym_add(request, store):
    form = SynonymAddForm(request.POST, store=store)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(request, store, "unheard")
    product = form.cleaned_data["product"]
    try:
        synonym = product_synonym_add(
            product=product,
            value=form.cleaned_data["words"],
            locale=form.cleaned_data["locale"],
            actor=request.user,
        )
    except ValidationError as refused:
        for error in refused.messages:
            messages.error(request, error)
        return _back(request, store, "unheard")
    where = f" ({synonym.locale})" if synonym.locale else ""
    messages.success(
        request,
        f"“{synonym.value}” is now a synonym of {product.name}{where}. The skill package is "
        "stale: download it again and deploy it so Alexa hears the new words.",
    )
    return _back(request, store, "unheard")


@require_POST
@owners_only
def experiment_finish(request, store, pk: int):
    experiment = (
        UpsellExperiment.objects.filter(store=store, pk=pk).select_related("product").first()
    )
    if experiment is None:
        raise Http404("No experiment of this store has this id.")
    form = ExperimentEndForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(request, store, "experiments")
    if not experiment.running:
        messages.error(request, f"The experiment on {experiment.product} has already ended.")
        return _back(request, store, "experiments")
    winner = form.cleaned_data["winner"]
    experiment_end(experiment=experiment, winner=winner, actor=request.user)
    messages.success(
        request,
        f"The experiment on {experiment.product} has ended: arm {winner.upper()} won, and its "
        "suggestion applies from now on.",
    )
    return _back(request, store, "experiments")
