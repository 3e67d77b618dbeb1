"""The SMAPI sandbox, mounted at ``/sandbox/smapi/``: Amazon's paths after
``https://api.amazonalexa.com``, and the upload URLs it hands out."""

from django.urls import path

from . import check_views, product_views, views

app_name = "smapi_sandbox"
SKILL = "v1/skills/<str:skill_id>"
STAGE = f"{SKILL}/stages/<str:stage>"
urlpatterns = [
    path("v1/vendors", views.vendors, name="vendors"),
    path("v1/skills", views.skill_collection, name="skills"),
    path("v1/skills/uploads", views.uploads, name="uploads"),
    path("v1/skills/imports", views.imports_new, name="imports"),
    path("v1/skills/imports/<str:import_id>", views.import_status, name="import"),
    path(f"{SKILL}/imports", views.imports_update, name="skill_imports"),
    path(f"{SKILL}/status", views.status, name="status"),
    path(f"{STAGE}/manifest", views.manifest, name="manifest"),
    path(
        f"{STAGE}/interactionModel/locales/<str:locale>",
        views.interaction_model,
        name="interaction_model",
    ),
    path(f"{STAGE}/enablement", views.enablement, name="enablement"),
    path(f"{STAGE}/accountLinkingClient", views.account_linking, name="account_linking"),
    path(f"{STAGE}/validations", check_views.validations, name="validations"),
    path(f"{STAGE}/validations/<str:validation_id>", check_views.validation, name="validation"),
    path("v2/skills/<str:skill_id>/stages/<str:stage>/simulations", check_views.simulations),
    path(
        "v2/skills/<str:skill_id>/stages/<str:stage>/simulations/<str:simulation_id>",
        check_views.simulation,
        name="simulation",
    ),
    path(f"{SKILL}/submit", check_views.submit, name="submit"),
    path(f"{SKILL}/certifications", check_views.certifications, name="certifications"),
    path("v1/inSkillProducts", product_views.collection, name="products"),
    path(
        "v1/inSkillProducts/<str:product_id>/stages/<str:stage>",
        product_views.definition,
        name="product",
    ),
    path(
        "v1/inSkillProducts/<str:product_id>/skills/<str:skill_id>",
        product_views.association,
        name="product_skill",
    ),
    path(f"{STAGE}/inSkillProducts", product_views.of_skill, name="skill_products"),
    path("uploads/<str:upload_id>", views.upload_put, name="upload"),
]
