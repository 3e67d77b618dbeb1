"""Two-factor authentication for the staff who can move money or change a store.

Owners, support agents with the refund permission and superusers must enrol an
authenticator app (TOTP, django-two-factor-auth) and give its code at every login while
``STAFF_REQUIRE_2FA`` is on. Until they have, the admin, the support console, the voice
console and the API turn them away: to enrolment when they have no device yet, to the login
page (password, then code) when they have one but this session did not give its code.
Catalog editors and agents without the refund permission log in with a password.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device
from drf_spectacular.authentication import BasicScheme
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication

from .models import Area
from .selectors import user_has_area

# Where a missing second factor stops a staff member (the login, logout and enrolment pages
# live outside these or are let through below).
GUARDED_PREFIXES = ("/admin/", "/support/", "/console/", "/api/", "/dashboard/")


def second_factor_required(user) -> bool:
    """Whether ``user`` must log in with a second factor (the setting, then the role)."""
    if not settings.STAFF_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or user_has_area(user=user, area=Area.REFUNDS)


def second_factor_missing(request) -> bool:
    """A logged-in user who must give a second factor and has not in this session."""
    user = request.user
    verified = getattr(user, "is_verified", lambda: False)()
    return not verified and second_factor_required(user)


class StaffTwoFactorMiddleware:
    """After django_otp's OTPMiddleware: ``request.user.is_verified()`` is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if (
            path.startswith(GUARDED_PREFIXES)
            and path not in (reverse("admin:login"), reverse("admin:logout"))
            and second_factor_missing(request)
        ):
            return self.turn_away(request)
        return self.get_response(request)

    @staticmethod
    def turn_away(request):
        enrolled = user_has_device(request.user)
        if request.path_info.startswith("/api/"):
            detail = (
                "Log in with your authentication code first."
                if enrolled
                else "Set up two-factor authentication first."
            )
            return JsonResponse({"detail": detail}, status=403)
        back = urlencode({"next": request.get_full_path()})
        if not enrolled:
            return redirect(f"{reverse('two_factor:setup')}?{back}")
        # A password-only session of an enrolled user: log in again, with the code.
        return redirect(f"{reverse('admin:login')}?{back}")


class BasicAuthenticationWithoutSecondFactor(BasicAuthentication):
    """HTTP Basic for API tools, refused to users who must use a second factor (a password
    alone must not reach refunds); they use the API from a logged-in browser session."""

    def authenticate_credentials(self, userid, password, request=None):
        user, auth = super().authenticate_credentials(userid, password, request)
        if second_factor_required(user):
            raise exceptions.AuthenticationFailed(
                "This account needs two-factor authentication: use a logged-in session."
            )
        return user, auth


class BasicWithoutSecondFactorScheme(BasicScheme):
    """The OpenAPI schema describes it as the HTTP Basic it is."""

    target_class = "merchant.two_factor.BasicAuthenticationWithoutSecondFactor"
