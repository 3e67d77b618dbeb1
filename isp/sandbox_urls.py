"""The embedded ISP sandbox, mounted at /sandbox/monetization/ (see isp/sandbox.py)."""

from django.urls import path

from . import sandbox_views as views

app_name = "isp_sandbox"
urlpatterns = [
    path(
        "v1/users/~current/skills/~current/inSkillProducts",
        views.in_skill_products,
        name="products",
    ),
    path(
        "v1/users/~current/skills/~current/inSkillProducts/<str:product_id>",
        views.in_skill_product,
        name="product",
    ),
    path("purchase-flow", views.purchase_flow, name="purchase_flow"),
    path("entitlements", views.entitlements, name="entitlements"),
]
