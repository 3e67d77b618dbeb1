"""The voice tooling's addresses, all under ``/console/``: the launch checklist
(``/console/launch/``, namespace ``launch``, with the publish pages of ``voicelab.publish``)
and the voice test console (namespace ``console``), which also names the owner's skill
package download, ``console:skill_package`` at ``/console/stores/<id>/skill-package.zip``.
The download's view sits with the launch checklist (it records the export the checklist
checks), so its address is joined to the console's here, above both."""

from django.contrib import admin
from django.urls import include, path

from voicelab.console import urls as console_urls
from voicelab.launch import urls as launch_urls
from voicelab.launch.package_views import skill_package_download
from voicelab.publish import urls as publish_urls

console_patterns = [
    *console_urls.urlpatterns,
    # The owner's download, linked from the store's admin page: behind the admin's login.
    path(
        "stores/<int:store_id>/skill-package.zip",
        admin.site.admin_view(skill_package_download),
        name="skill_package",
    ),
]

urlpatterns = [
    # Publishing sits above the checklist (it may use it, not the other way round): its
    # addresses join the checklist's namespace here.
    path(
        "launch/",
        include(([*launch_urls.urlpatterns, *publish_urls.urlpatterns], launch_urls.app_name)),
    ),
    path("", include((console_patterns, console_urls.app_name))),
]
