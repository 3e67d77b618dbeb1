"""Writes of publishing: the store's connection to its Amazon developer account (connect,
vendor, disconnect) and each publish (start, claim, a step's record, finish), every owner's
action audited (``SmapiEvent``) in its transaction.

A publish is queued through the outbox (``PUBLISH_SKILL``, by name: the task in
``voicelab.tasks`` imports the pipeline and these services, never the other way round). A
store has at most one queued or running publish (a database constraint: a double click
starts one). Starting a publish after one failed on the same package and stage continues
that one: the steps that succeeded are kept and the pipeline goes on at the failed one.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from merchant.crypto import encrypt
from merchant.models import SkillId, Store
from outbox.services import outbox_message_add
from voicelab.models import (
    PUBLISH_ACTIVE,
    PublishStatus,
    SkillPublish,
    SmapiAction,
    SmapiConnection,
    SmapiEvent,
)

PUBLISH_SKILL = "voicelab.tasks.publish_skill"
STAGES = ("development",)
# A publish not updated for this long (every step writes) has lost its worker.
STALE_AFTER = timedelta(minutes=15)


class PublishRefused(Exception):
    """The publish cannot start; ``str(exc)`` says why in words."""


def _event(*, store: Store, action: str, actor, actor_label: str = "", data=None) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (user.get_username() if user is not None else "")
    SmapiEvent.objects.create(
        store=store, action=action, actor=user, actor_label=label, data=data or {}
    )


@transaction.atomic
def smapi_connection_connect(
    *, store: Store, actor, refresh_token: str, sandbox: bool, vendors: list[dict]
) -> SmapiConnection:
    """Keep the account's refresh token (encrypted) and its vendors; the vendor is chosen
    at once when the account has only one."""
    connection, _ = SmapiConnection.objects.select_for_update().get_or_create(store=store)
    connection.refresh_token_encrypted = encrypt(refresh_token)
    connection.sandbox = sandbox
    connection.vendors = vendors
    ids = [v["id"] for v in vendors]
    if connection.vendor_id not in ids:
        connection.vendor_id = ids[0] if len(ids) == 1 else ""
    connection.connected_by = actor if getattr(actor, "is_authenticated", False) else None
    connection.connected_at = timezone.now()
    connection.save()
    _event(
        store=store,
        action=SmapiAction.CONNECTED,
        actor=actor,
        data={"sandbox": sandbox, "vendors": ids, "vendor_id": connection.vendor_id},
    )
    return connection


@transaction.atomic
def smapi_security_profile_set(*, store: Store, actor, client_id: str, client_secret: str) -> None:
    """The store's own LWA security profile (both empty: the deployment's); the secret is
    kept encrypted. A connection made with another profile is forgotten (its refresh token
    belongs to that profile)."""
    connection, _ = SmapiConnection.objects.select_for_update().get_or_create(store=store)
    if connection.client_id != client_id and connection.connected:
        connection.refresh_token_encrypted, connection.vendors, connection.vendor_id = "", [], ""
    connection.client_id = client_id
    connection.client_secret_encrypted = encrypt(client_secret) if client_id else ""
    connection.save()
    _event(
        store=store,
        action=SmapiAction.PROFILE_SET,
        actor=actor,
        data={"client_id": client_id or "(the deployment's)"},
    )


@transaction.atomic
def smapi_vendor_choose(*, store: Store, actor, vendor_id: str) -> SmapiConnection:
    connection = SmapiConnection.objects.select_for_update().get(store=store)
    if vendor_id not in [v["id"] for v in connection.vendors]:
        raise PublishRefused("That vendor is not one of the connected account's vendors.")
    if connection.skill_id and connection.vendor_id and vendor_id != connection.vendor_id:
        # The skill belongs to the first vendor: a new vendor means a new skill.
        connection.skill_id, connection.package_hash, connection.account_linking_hash = "", "", ""
    connection.vendor_id = vendor_id
    connection.save()
    _event(
        store=store, action=SmapiAction.VENDOR_CHOSEN, actor=actor, data={"vendor_id": vendor_id}
    )
    return connection


@transaction.atomic
def smapi_connection_disconnect(*, store: Store, actor) -> bool:
    """Forget the refresh token and the vendors (the skill id stays: the skill is still
    the store's at Amazon). False when the store was not connected."""
    connection = SmapiConnection.objects.select_for_update().filter(store=store).first()
    if connection is None or not connection.connected:
        return False
    connection.refresh_token_encrypted = ""
    connection.vendors, connection.vendor_id = [], ""
    connection.connected_by, connection.connected_at = None, None
    connection.save()
    _event(store=store, action=SmapiAction.DISCONNECTED, actor=actor)
    return True


@transaction.atomic
def smapi_skill_record(*, connection: SmapiConnection, skill_id: str) -> None:
    """Amazon created the skill: keep its id on the connection, and among the store's skill
    ids so that its requests reach the store."""
    connection.skill_id = skill_id
    connection.save(update_fields=["skill_id", "updated_at"])
    SkillId.objects.get_or_create(skill_id=skill_id, defaults={"store": connection.store})


def smapi_sent_record(*, connection: SmapiConnection, **hashes: str) -> None:
    """What Amazon now has (``package_hash``, ``account_linking_hash``)."""
    for name, value in hashes.items():
        setattr(connection, name, value)
    connection.save(update_fields=[*hashes, "updated_at"])


@transaction.atomic
def publish_start(
    *, store: Store, actor, actor_label: str = "", stage: str = "development", submit: bool = False
) -> tuple[SkillPublish, bool]:
    """A queued publish (its task queued through the outbox), or the store's publish
    already queued or running (``created`` False). A failed publish of the same stage is
    taken up again where it stopped. ``PublishRefused`` when the store is not connected."""
    if stage not in STAGES:
        raise PublishRefused(f'Only the "development" stage can be published to, not "{stage}".')
    connection = SmapiConnection.objects.filter(store=store).first()
    if connection is None or not connection.connected:
        raise PublishRefused("Connect the store to an Amazon developer account first.")
    if not connection.vendor_id:
        raise PublishRefused("Choose the vendor the skill is published for first.")
    Store.objects.select_for_update().filter(pk=store.pk).first()  # one start at a time
    _interrupt_stale(store=store)
    active = SkillPublish.objects.filter(store=store, status__in=PUBLISH_ACTIVE).first()
    if active is not None:
        return active, False
    latest = SkillPublish.objects.filter(store=store).order_by("-started_at", "-pk").first()
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (user.get_username() if user is not None else "")
    if latest is not None and latest.status == PublishStatus.FAILED and latest.stage == stage:
        publish = latest
        publish.status, publish.error, publish.finished_at = PublishStatus.QUEUED, "", None
        publish.submit = submit
        publish.steps = [s for s in publish.steps if s.get("status") in ("succeeded", "skipped")]
        publish.save()
        resumed = True
    else:
        try:
            with transaction.atomic():
                publish = SkillPublish.objects.create(
                    store=store, started_by=user, started_by_label=label, stage=stage, submit=submit
                )
        except IntegrityError:
            return SkillPublish.objects.get(store=store, status__in=PUBLISH_ACTIVE), False
        resumed = False
    _event(
        store=store,
        action=SmapiAction.PUBLISH_STARTED,
        actor=actor,
        actor_label=label,
        data={"publish": publish.pk, "stage": stage, "submit": submit, "resumed": resumed},
    )
    outbox_message_add(task=PUBLISH_SKILL, args=[publish.pk])
    return publish, True


def _interrupt_stale(*, store: Store) -> None:
    SkillPublish.objects.filter(
        store=store, status__in=PUBLISH_ACTIVE, updated_at__lt=timezone.now() - STALE_AFTER
    ).update(
        status=PublishStatus.FAILED,
        error="The publish stopped half-way (its worker went away). Publish again.",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


@transaction.atomic
def publish_claim(*, publish_id: int) -> SkillPublish | None:
    """Take a queued publish up (None: finished, or another worker has it)."""
    publish = SkillPublish.objects.select_for_update().filter(pk=publish_id).first()
    if publish is None or publish.status != PublishStatus.QUEUED:
        return None
    publish.status = PublishStatus.RUNNING
    publish.attempts += 1
    publish.save()
    return publish


def publish_package_record(*, publish: SkillPublish, package_hash: str, revision: int) -> None:
    """The package this run publishes; a resumed publish whose package changed since
    starts over (the steps kept were for the other package)."""
    if publish.package_hash and publish.package_hash != package_hash:
        publish.steps = []
    publish.package_hash, publish.catalog_revision = package_hash, revision
    publish.save(update_fields=["package_hash", "catalog_revision", "steps", "updated_at"])


def publish_step_record(*, publish: SkillPublish, step: dict) -> None:
    """Keep a step's outcome (replacing that step's earlier entry) as soon as it is known:
    the page shows the progress."""
    names = [s.get("name") for s in publish.steps]
    if step["name"] in names:
        steps = list(publish.steps)
        steps[names.index(step["name"])] = step
        publish.steps = steps
    else:
        publish.steps = [*publish.steps, step]
    publish.save(update_fields=["steps", "updated_at"])


def publish_skill_id_record(*, publish: SkillPublish, skill_id: str) -> None:
    publish.skill_id = skill_id
    publish.save(update_fields=["skill_id", "updated_at"])


@transaction.atomic
def publish_finish(*, publish_id: int, error: str = "") -> SkillPublish | None:
    publish = SkillPublish.objects.select_for_update().filter(pk=publish_id).first()
    if publish is None or not publish.active:
        return publish
    failed = error or any(s.get("status") == "failed" for s in publish.steps)
    publish.status = PublishStatus.FAILED if failed else PublishStatus.SUCCEEDED
    publish.error = error
    publish.finished_at = timezone.now()
    publish.save()
    return publish
