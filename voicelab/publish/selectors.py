"""Reads of publishing: the store's connection and its publishes, and the connected
vendor's skills as Amazon reports them (SMAPI's skill list and each skill's status)."""

from dataclasses import dataclass

from django.conf import settings

from merchant.models import SkillId, Store
from voicelab.models import SkillPublish, SmapiConnection, SmapiEvent

from .client import SmapiError, call, smapi_client

PAST_PUBLISHES = 20
# The publish page asks Amazon while it renders: a few skills, a short wait.
LISTED_SKILLS = 10
PAGE_TIMEOUT_SECONDS = 5.0


def connection_of_store(store: Store) -> SmapiConnection | None:
    return SmapiConnection.objects.filter(store=store).first()


def store_publishes(*, store: Store, limit: int = PAST_PUBLISHES) -> list[SkillPublish]:
    return list(
        SkillPublish.objects.filter(store=store)
        .select_related("started_by")
        .order_by("-started_at", "-pk")[:limit]
    )


def store_publish(*, store: Store, publish_id) -> SkillPublish | None:
    return SkillPublish.objects.filter(store=store, pk=publish_id).first()


def smapi_events(*, store: Store, limit: int = 20) -> list[SmapiEvent]:
    return list(SmapiEvent.objects.filter(store=store).select_related("actor")[:limit])


@dataclass(frozen=True)
class AmazonSkill:
    skill_id: str
    name: str
    stage: str
    builds: list[tuple[str, str]]  # (locale, the last build's status), by locale
    ours: bool  # one of the store's Alexa skill ids, or the one the portal publishes
    error: str = ""  # the status could not be read: why, in words


@dataclass(frozen=True)
class AmazonSkills:
    skills: list[AmazonSkill]
    truncated: bool = False  # the vendor has more than LISTED_SKILLS
    error: str = ""  # Amazon could not be asked: why, in words


def _value(value) -> str:
    return str(getattr(value, "value", value) or "")


def amazon_skills(*, store: Store, connection: SmapiConnection | None) -> AmazonSkills | None:
    """The connected vendor's skills with their stage and build status per locale (None
    before a vendor is chosen); Amazon unreachable or refusing gives the reason instead."""
    if connection is None or not connection.connected or not connection.vendor_id:
        return None
    timeout = min(PAGE_TIMEOUT_SECONDS, settings.SMAPI_TIMEOUT_SECONDS)
    client = smapi_client(connection, timeout=timeout)
    try:
        listed = call(
            "the skill list",
            client.list_skills_for_vendor_v1,
            connection.vendor_id,
            max_results=LISTED_SKILLS,
        ).body
    except SmapiError as exc:
        return AmazonSkills(skills=[], error=f"Amazon's list of skills could not be read: {exc}")
    ours = set(SkillId.objects.filter(store=store).values_list("skill_id", flat=True))
    if connection.skill_id:
        ours.add(connection.skill_id)
    skills = []
    for summary in getattr(listed, "skills", None) or []:
        names = summary.name_by_locale or {}
        builds, error = [], ""
        try:
            status = call("the skill status", client.get_skill_status_v1, summary.skill_id).body
        except SmapiError as exc:
            error = str(exc)
        else:
            for locale, model in sorted((status.interaction_model or {}).items()):
                last = model.last_update_request
                builds.append((locale, _value(last.status) if last else "NONE"))
        skills.append(
            AmazonSkill(
                skill_id=summary.skill_id,
                name=", ".join(sorted({n for n in names.values() if n})) or summary.skill_id,
                stage=_value(summary.stage),
                builds=builds,
                ours=summary.skill_id in ours,
                error=error,
            )
        )
    return AmazonSkills(skills=skills, truncated=bool(getattr(listed, "is_truncated", False)))
