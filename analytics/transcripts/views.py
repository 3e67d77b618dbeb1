"""The transcripts page, mounted at ``/transcripts/``.

Owners and support agents of a store read its sessions (the orders area); only owners (the
settings area) mark a session for review or turn it into a certification case. A colleague
of another role gets 403; a store the user does not work for, or that does not exist, 404.
The second-factor rule is the dashboard's. Writes are POSTs (CSRF-protected) calling
``services``.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from merchant.models import Area, Store
from merchant.selectors import stores_for_user, works_for
from merchant.two_factor import StaffTwoFactorMiddleware, second_factor_missing

from . import selectors, services
from .forms import CertificationCaseForm, ReviewForm, SessionFilterForm


def _store_for(user, slug: str, area: str) -> Store:
    store = stores_for_user(user=user, area=area).filter(slug=slug).first()
    if store is not None:
        return store
    other = Store.objects.filter(slug=slug).only("pk").first()
    if other is not None and works_for(user=user, store_id=other.pk):
        raise PermissionDenied("Your role in this store does not include its conversations.")
    raise Http404("No store you work for has this slug.")


def staff_of(area: str):
    """Logged in, second factor given when required, and working on ``area`` in the store
    ``slug`` (passed to the view as ``store``)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, slug=None, **kwargs):
            if second_factor_missing(request):
                return StaffTwoFactorMiddleware.turn_away(request)
            if slug is None:
                return view(request, *args, **kwargs)
            return view(request, *args, store=_store_for(request.user, slug, area), **kwargs)

        return wrapped

    return decorate


@require_GET
@staff_of(Area.ORDERS)
def transcripts_index(request):
    stores = list(stores_for_user(user=request.user, area=Area.ORDERS).order_by("name"))
    if not stores:
        raise PermissionDenied("The conversations are for store owners and support agents.")
    if len(stores) == 1:
        return redirect("transcripts:list", slug=stores[0].slug)
    return render(request, "analytics/transcripts_index.html", {"stores": stores})


def _can_write(user, store: Store) -> bool:
    return stores_for_user(user=user, area=Area.SETTINGS).filter(pk=store.pk).exists()


@require_GET
@staff_of(Area.ORDERS)
def transcripts_list(request, store):
    form = SessionFilterForm(request.GET, store=store)
    if not form.is_valid():
        shown = SessionFilterForm.default(store=store)
    else:
        shown = form
    page, rows = selectors.session_page(
        store=store, filters=shown.filters(), page=request.GET.get("page") or 1
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "store": store,
        "form": form,
        "range": (shown.cleaned_data["first"], shown.cleaned_data["last"]),
        "page": page,
        "rows": rows,
        "query": params.urlencode(),
        "other_stores": stores_for_user(user=request.user, area=Area.ORDERS)
        .exclude(pk=store.pk)
        .exists(),
    }
    return render(request, "analytics/transcripts.html", context)


def _session_or_404(store, session_id: str):
    session = selectors.transcript(store=store, session_id=session_id)
    if session is None:
        raise Http404("The store has no session with this id.")
    return session


@require_GET
@staff_of(Area.ORDERS)
def transcript_page(request, store, session_id: str):
    session = _session_or_404(store, session_id)
    review = session.review
    context = {
        "store": store,
        "session": session,
        "can_write": _can_write(request.user, store),
        "review_form": ReviewForm(
            initial={
                "needs_review": review.needs_review if review else True,
                "note": review.note if review else "",
            }
        ),
        "case_form": CertificationCaseForm(),
        "back": request.GET.get("back", ""),
    }
    return render(request, "analytics/transcript.html", context)


def _session_url(store, session_id: str) -> str:
    return reverse("transcripts:session", args=[store.slug, session_id])


@require_POST
@staff_of(Area.SETTINGS)
def review_set(request, store, session_id: str):
    session = _session_or_404(store, session_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_session_url(store, session.session_id))
    review = services.session_review_set(
        store=store,
        session_id=session.session_id,
        needs_review=form.cleaned_data["needs_review"],
        note=form.cleaned_data["note"],
        actor=request.user,
    )
    messages.success(
        request,
        "The session is marked “needs review”."
        if review.needs_review
        else "The session no longer needs review.",
    )
    return redirect(_session_url(store, session.session_id))


@require_POST
@staff_of(Area.SETTINGS)
def certification_case(request, store, session_id: str):
    session = _session_or_404(store, session_id)
    form = CertificationCaseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_session_url(store, session.session_id))
    try:
        case = services.session_certification_case(
            session=session, title=form.cleaned_data["title"], actor=request.user
        )
    except ValueError as refused:
        messages.error(request, str(refused))
        return redirect(_session_url(store, session.session_id))
    messages.success(
        request,
        f"“{case.title}” is now a certification case of the launch checklist, with "
        f"{len(case.steps)} step{'s' if len(case.steps) != 1 else ''}: the next run plays it.",
    )
    return redirect(_session_url(store, session.session_id))
