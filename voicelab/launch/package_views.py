"""The store owner's download of their skill package (``skill-package.zip``), beside the
launch checklist's pages: each download is recorded (``services.skill_package_export_record``)
for the checklist's export item, which links here.

Reached from the store's page in the admin ("Download skill package"), behind the admin's
login (``admin.site.admin_view``, see ``voicelab.urls``), for the owners of that store
only (the settings area; superusers: every store). An invalid package sends the owner back
to the store page with every problem as an error message.

A browser following the link (it prefers ``text/html``) gets the download page first: the
certification warnings the export command prints (icons, privacy policy, sandbox mode...)
and the button that downloads the zip (``?format=zip``). Anything else asking for the URL
(scripts, ``curl``, no ``Accept`` header) gets the zip itself, as before.
"""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from merchant.models import Area
from merchant.selectors import stores_for_user
from voicelab.package import PackageInvalid, build_skill_package, skill_package_zip

from .services import skill_package_export_record


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
    if _wants_page(request):
        return render(
            request,
            "voicelab/package/download.html",
            {
                **admin.site.each_context(request),
                "title": f"Skill package of {store.name}",
                "store": store,
                "package": package,
                "filename": _filename(store),
                "opts": store._meta,
            },
        )
    response = HttpResponse(skill_package_zip(package), content_type="application/zip")
    # The launch checklist compares the catalog revision exported with the current one.
    skill_package_export_record(store=store, source="download", exported_by=request.user)
    response["Content-Disposition"] = f'attachment; filename="{_filename(store)}"'
    return response


def _filename(store) -> str:
    return f"{store.slug}-skill-package.zip"


def _wants_page(request) -> bool:
    """The download page for a browser's navigation; the zip for ``?format=zip`` and for
    clients that do not prefer HTML."""
    if request.GET.get("format") == "zip":
        return False
    return request.get_preferred_type(["application/zip", "text/html"]) == "text/html"
