"""The store owner's download of their skill package (``skill-package.zip``).

Reached from the store's page in the admin ("Download skill package"), behind the admin's
login (``admin.site.admin_view``, see ``skill.console.urls``), for the owners of that store
only (the settings area; superusers: every store). An invalid package sends the owner back
to the store page with every problem as an error message.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from merchant.models import Area
from merchant.selectors import stores_for_user

from . import PackageInvalid, build_skill_package, skill_package_zip


def skill_package_download(request, store_id: int):
    store = stores_for_user(user=request.user, area=Area.SETTINGS).filter(pk=store_id).first()
    if store is None:
        raise Http404
    try:
        package = build_skill_package(store=store)
    except PackageInvalid as invalid:
        for error in invalid.errors:
            messages.error(request, error)
        return redirect("admin:merchant_store_change", store.pk)
    response = HttpResponse(skill_package_zip(package), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{store.slug}-skill-package.zip"'
    return response
