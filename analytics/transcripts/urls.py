"""The transcripts page, mounted at /transcripts/. A session id is Alexa's (any characters
but a slash, in practice); the two actions come first so that their paths win."""

from django.urls import path

from . import views

app_name = "transcripts"
urlpatterns = [
    path("", views.transcripts_index, name="index"),
    path("<slug:slug>/", views.transcripts_list, name="list"),
    path("<slug:slug>/sessions/<path:session_id>/review/", views.review_set, name="review"),
    path(
        "<slug:slug>/sessions/<path:session_id>/certification-case/",
        views.certification_case,
        name="certification_case",
    ),
    path("<slug:slug>/sessions/<path:session_id>/", views.transcript_page, name="session"),
]
