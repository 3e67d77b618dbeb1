"""The portal's login page (``/admin/login/``, also the consoles' and the API's): the password,
then, for a user with a two-factor device, the code of their authenticator app.

It is two_factor's login wizard with the admin's look and the admin's field names
(``username``, ``password``), so password managers and scripts that know the admin login
keep working. Failed passwords are counted by django-axes like on every login form.
"""

from django.contrib import admin
from two_factor.views import LoginView


class PortalLoginView(LoginView):
    template_name = "two_factor/core/login.html"

    def get_form_prefix(self, step=None, form=None):
        # The password step keeps the admin's plain field names.
        if step == self.AUTH_STEP:
            return ""
        return super().get_form_prefix(step, form)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context.update(admin.site.each_context(self.request))
        context.setdefault("title", "Log in")
        # Where to go after the last step (?next=... of the first page, kept across steps).
        context["next"] = self.get_redirect_url()
        return context
