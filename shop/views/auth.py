"""Signing up, confirming the email, signing in and out, resetting a password: always at one
store (the store of the page goes to the shoppers app's services). The login goes through
Django's ``authenticate`` (so django-axes counts and throttles it) with the store in the
credentials, which only ``shoppers.auth.ShopperBackend`` answers."""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shoppers import selectors as shopper_reads
from shoppers import services as shoppers
from shoppers.emails import RESET
from shoppers.errors import ShopperError

from ..forms import LoginForm, NewPasswordForm, PasswordResetRequestForm, SignUpForm
from ..pages import ShopRequest, render_page, shop_page

BACKEND = "shoppers.auth.ShopperBackend"


def _safe_next(request: ShopRequest) -> str:
    """Where to go after signing in: ``next`` when it is a page of this store's shop (or the
    account-linking consent page), else the shop's home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("shop:home", args=[request.store.slug])


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@shop_page
def login(request: ShopRequest) -> HttpResponse:
    if request.shopper is not None and request.method == "GET":
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            store=request.store,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(
                None,
                "That email and password do not match an account at this shop. "
                "Check both, or reset your password.",
            )
        else:
            auth_login(request, user, backend=BACKEND)
            return redirect(_safe_next(request))
    return render_page(
        request,
        "shop/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
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
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = shoppers.account_sign_up(
                store=request.store,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
            )
        except ShopperError as exc:
            form.add_error("email", exc.message)
        else:
            auth_login(request, account.user, backend=BACKEND)
            request.shopper = account
            return render_page(
                request,
                "shop/signup_done.html",
                {"account": account, "next": _safe_next(request)},
            )
    return render_page(
        request,
        "shop/signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
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
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shoppers.account_password_reset_start(store=request.store, email=form.cleaned_data["email"])
        return render_page(request, "shop/password_reset_sent.html")
    return render_page(
        request, "shop/password_reset.html", {"form": form}, status=400 if form.is_bound else 200
    )


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
@shop_page
def password_reset_confirm(request: ShopRequest, uidb64: str, token: str) -> HttpResponse:
    account = shopper_reads.account_for_link(
        store=request.store, uidb64=uidb64, token=token, kind=RESET
    )
    if account is None:
        return render_page(
            request, "shop/password_reset_confirm.html", {"bad_link": True}, status=400
        )
    form = NewPasswordForm(request.POST or None, user=account.user)
    if request.method == "POST" and form.is_valid():
        try:
            shoppers.account_password_reset_finish(
                store=request.store,
                uidb64=uidb64,
                token=token,
                password=form.cleaned_data["new_password1"],
            )
        except ShopperError:
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
