"""The staff pages of a store (owners, in the admin's look) and the invitation's one-time
password page.

``/admin/merchant/store/<id>/staff/`` lists who works for the store, invites a colleague by
email, and shows the audit of every staff change; ``.../staff/<membership id>/`` changes a
colleague's role or refund permission, removes their access or sends their invitation again.
They are admin views (``StoreAdmin.get_urls``: staff logins only, CSRF, never cached). Only the
store's owners (and superusers) reach them: another store is a 404, a store the user works for
in another role a 403. Every change goes through ``merchant.services``.
"""

from django.contrib import admin, messages
from django.contrib.auth.views import PasswordResetCompleteView, PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy

from . import selectors, services
from .forms import InviteForm, MembershipForm
from .invitations import invitation_tokens, link_days
from .models import Area, Role

# Staff pages -----------------------------------------------------------------------------------


def _managed_store(request, store_id):
    store = selectors.store_managed_by(user=request.user, store_id=store_id)
    if store is not None:
        return store
    if selectors.works_for(user=request.user, store_id=store_id):
        raise PermissionDenied("Only the store's owners manage its staff.")
    raise Http404("No store of yours has this number.")


def _portal_url(request) -> str:
    # The host was checked against ALLOWED_HOSTS; behind the load balancer the scheme comes
    # from SECURE_PROXY_SSL_HEADER.
    return request.build_absolute_uri("/")


def _render(request, template, context):
    return render(request, template, {**admin.site.each_context(request), **context})


def _refused(form, exc: services.StaffError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def staff_index(request):
    """The stores whose staff the user manages; straight to the staff page when one."""
    stores = list(selectors.stores_for_user(user=request.user, area=Area.SETTINGS))
    if not stores:
        raise PermissionDenied("Only a store's owners manage its staff.")
    if len(stores) == 1:
        return redirect("admin:merchant_store_staff", stores[0].pk)
    return _render(request, "merchant/staff/index.html", {"title": "Staff", "stores": stores})


def staff_list(request, store_id):
    store = _managed_store(request, store_id)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_invite(
                store=store,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                can_refund=form.cleaned_data["can_refund"],
                portal_url=_portal_url(request),
            )
        except services.StaffError as exc:
            _refused(form, exc)
        else:
            # The same words whether or not the email already had a login (for another
            # store), with the address as the owner wrote it: that is no business of this
            # store. The email itself says which (a link to choose a password, or log in).
            email = services.normalize_email(form.cleaned_data["email"])
            text = f"Invited {email}: an email on its way tells them how to log in."
            messages.success(request, text)
            return redirect("admin:merchant_store_staff", store.pk)
    return _render(
        request,
        "merchant/staff/list.html",
        {
            "title": f"Staff of {store.name}",
            "store": store,
            "form": form,
            "memberships": selectors.staff_of_store(store=store),
            "events": selectors.staff_audit_events(store=store),
            "days": link_days(),
        },
    )


def staff_member(request, store_id, membership_id):
    store = _managed_store(request, store_id)
    membership = selectors.staff_membership(store=store, membership_id=membership_id)
    if membership is None:
        raise Http404("That person does not work for this store.")
    initial = {"role": membership.role, "can_refund": membership.can_refund}
    action = request.POST.get("action") if request.method == "POST" else None
    form = MembershipForm(request.POST if action == "change" else None, initial=initial)
    errors = []
    staff_page = reverse("admin:merchant_store_staff", args=[store.pk])
    who = membership.user.email or membership.user.get_username()
    try:
        if action == "change" and form.is_valid():
            services.staff_membership_change(
                store=store,
                actor=request.user,
                membership_id=membership.pk,
                role=form.cleaned_data["role"],
                can_refund=form.cleaned_data["can_refund"],
            )
            messages.success(request, f"Saved the role of {who}.")
            return redirect(staff_page)
        if action == "remove":
            services.staff_membership_remove(
                store=store, actor=request.user, membership_id=membership.pk
            )
            messages.success(request, f"Removed the access of {who} to {store.name}.")
            if membership.user_id == request.user.pk and not request.user.is_superuser:
                return redirect("admin:index")
            return redirect(staff_page)
        if action == "resend":
            services.staff_invitation_resend(
                store=store,
                actor=request.user,
                membership_id=membership.pk,
                portal_url=_portal_url(request),
            )
            messages.success(request, f"Sent the invitation to {who} again.")
            return redirect(staff_page)
    except services.StaffError as exc:
        if action == "change":
            _refused(form, exc)
        else:
            errors.append(exc.message)
    return _render(
        request,
        "merchant/staff/member.html",
        {
            "title": f"{who} at {store.name}",
            "store": store,
            "membership": membership,
            "who": who,
            "form": form,
            "errors": errors,
            "pending": membership.awaiting_first_login()
            or not membership.user.has_usable_password(),
        },
    )


# The invitation's one-time link ---------------------------------------------------------------


class StaffWelcomeView(PasswordResetConfirmView):
    """The colleague chooses a password (Django's password-reset page with the invitation's
    token generator); the link then stops working."""

    token_generator = invitation_tokens
    template_name = "registration/staff_welcome.html"
    success_url = reverse_lazy("staff_welcome_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context["title"] = "Choose your password" if context["validlink"] else "Link expired"
        if self.user is not None:
            context["login_name"] = self.user.get_username()
        return context

    def get_success_url(self):
        # Support agents start in the support console, everybody else on the admin's home.
        assert self.user is not None  # only a valid link's form gets here
        roles = {m.role for m in selectors.memberships_of_user(user=self.user)}
        url = str(self.success_url)
        return f"{url}?to=support" if roles == {Role.SUPPORT_AGENT} else url


class StaffWelcomeDoneView(PasswordResetCompleteView):
    template_name = "registration/staff_welcome_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        context["title"] = "Your password is set"
        login = reverse("admin:login")
        if self.request.GET.get("to") == "support":
            login += "?next=" + reverse("support:order_list")
        context["login_url"] = login
        return context
