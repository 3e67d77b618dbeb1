"""Signing up, confirming the email, signing in and out, resetting a password: always at one
store. The forms are the shoppers app's, each scoped to the page's store; the login form
authenticates through Django's ``authenticate`` with the store in the credentials (only
``shoppers.auth.ShopperBackend`` answers it, and django-axes counts and throttles it)."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shoppers import forms as shopper_forms
from shoppers import services as shoppers
from shoppers.errors import ShopperError

from ..pages import ShopRequest, render_page, shop_page

BACKEND = "shoppers.auth.ShopperBackend"


def _next(request: ShopRequest) -> str:
    return request.POST.get("next") or request.GET.get("next") or ""


def _safe_next(request: ShopRequest) -> str:
    """Where to go after signing in: ``next`` when it is a page of this site (a shop page,
    the account-linking consent page), else the shop's home."""
    target = _next(request)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("shop:home", args=[request.store.slug])


def _sign_in(request: ShopRequest, user: User) -> None:
    auth_login(request, user, backend=BACKEND)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@shop_page
def login(request: ShopRequest) -> HttpResponse:
    if request.shopper is not None and request.method == "GET":
        return redirect(_safe_next(request))
    form = shopper_forms.LoginForm(request.POST or None, request=request, store=request.store)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        assert isinstance(user, User)  # a valid form authenticated someone
        _sign_in(request, user)
        return redirect(_safe_next(request))
    return render_page(
        request,
        "shop/login.html",
        {"form": form, "next": _next(request)},
        status=400 if form.is_bound else 200,
    )


@require_POST
@shop_page
def logout(request: ShopRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, "You are signed out.")
    return redirect("shop:home", request.store.slug)


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@shop_page
def signup(request: ShopRequest) -> HttpResponse:
    form = shopper_forms.SignUpForm(request.POST or None, store=request.store)
    if request.method == "POST" and form.is_valid():
        account = form.save()
        if account is not None:
            _sign_in(request, account.user)
            request.shopper = account
            return render_page(
                request,
                "shop/signup_done.html",
                {"account": account, "next": _safe_next(request)},
            )
    return render_page(
        request,
        "shop/signup.html",
        {"form": form, "next": _next(request)},
        status=400 if form.is_bound else 200,
    )


@require_GET
@shop_page
def verify_email(request: ShopRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        account = shoppers.account_verify_email(store=request.store, uidb64=uidb64, token=token)
    except ShopperError as exc:
        return render_page(request, "shop/verify_email.html", {"error": exc.message}, status=400)
    return render_page(request, "shop/verify_email.html", {"account": account})


@require_http_methods(["GET", "POST"])
@shop_page
def password_reset(request: ShopRequest) -> HttpResponse:
    form = shopper_forms.PasswordResetForm(request.POST or None, store=request.store)
    if request.method == "POST" and form.is_valid():
        form.save()
        return render_page(request, "shop/password_reset_sent.html")
    return render_page(
        request, "shop/password_reset.html", {"form": form}, status=400 if form.is_bound else 200
    )


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
@shop_page
def password_reset_confirm(request: ShopRequest, uidb64: str, token: str) -> HttpResponse:
    form = shopper_forms.SetPasswordForm(
        request.POST or None, store=request.store, uidb64=uidb64, token=token
    )
    if not form.link_is_valid:
        return render_page(
            request, "shop/password_reset_confirm.html", {"bad_link": True}, status=400
        )
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ShopperError:  # the link was used a moment ago (another tab)
            return render_page(
                request, "shop/password_reset_confirm.html", {"bad_link": True}, status=400
            )
        messages.success(request, "Your password is changed. Sign in with it.")
        return redirect("shop:login", request.store.slug)
    return render_page(
        request,
        "shop/password_reset_confirm.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
