"""Writes of the transcripts page: the "needs review" mark with its note, and turning a
session into a certification case of the launch checklist (``voicelab.launch.services``)."""

from django.db import transaction

from merchant.models import Store
from voicelab.launch.services import recorded_case_create
from voicelab.models import RecordedCase

from ..models import SessionReview
from .selectors import Transcript, transcript_steps


def session_review_set(
    *, store: Store, session_id: str, needs_review: bool, note: str, actor
) -> SessionReview:
    """Mark (or unmark) the session and keep the note; one row per session, the last word
    wins. Who changed it last and when are kept on the row."""
    with transaction.atomic():
        review, _ = SessionReview.objects.select_for_update().get_or_create(
            store=store, session_id=session_id
        )
        review.needs_review = needs_review
        review.note = note.strip()
        review.updated_by = actor if getattr(actor, "pk", None) else None
        review.save()
    return review


def session_certification_case(*, session: Transcript, title: str, actor) -> RecordedCase:
    """The session's turns as a certification case: each launch and intent becomes a step
    (what Alexa sent), its reply and directives the answer expected. ``ValueError`` (in
    words) when there is nothing to play."""
    return recorded_case_create(
        store=session.store,
        title=title.strip() or f"Session of {session.started:%Y-%m-%d %H:%M}",
        locale=session.locale,
        steps=transcript_steps(session),
        session_id=session.session_id,
        actor=actor if getattr(actor, "pk", None) else None,
    )
