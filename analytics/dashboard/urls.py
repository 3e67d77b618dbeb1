"""The owner's dashboard, mounted at /dashboard/."""

from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_index, name="index"),
    path("<slug:slug>/", views.dashboard_page, name="page"),
    path("<slug:slug>/charts/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
    path("<slug:slug>/synonyms/", views.synonym_add, name="synonym_add"),
    path("<slug:slug>/experiments/<int:pk>/end/", views.experiment_finish, name="experiment_end"),
]
