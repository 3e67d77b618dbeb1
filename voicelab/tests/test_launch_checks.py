"""The launch checklist: a store failing every item, then fixed item by item; and the
record of each skill package export (download and management command) that the export item
compares with the catalog revision."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Product
from catalog.selectors import catalog_revision
from catalog.tests.factories import ProductFactory
from isp.models import IspSettings
from isp.tests.factories import ProductFactory as IspProductFactory
from merchant.models import PaymentMode, Role
from merchant.tests.factories import MembershipFactory, SkillIdFactory, StoreFactory, UserFactory
from voicelab.launch.checks import launch_checklist, package_warnings
from voicelab.launch.services import skill_package_export_record
from voicelab.models import SkillPackageExport


def summary(store):
    return [(c.key, c.status, c.detail) for c in launch_checklist(store)]


@pytest.fixture
def broken_store(db):
    """A store that fails every item of the checklist."""
    store = StoreFactory(
        name="",
        invocation_name="Alexa Shop",
        enabled_locales=["en-US"],
        support_email="",
        support_phone="",
        support_url="",
        payment_mode=PaymentMode.CHARGE_NOW,
        amazon_pay_seller_id="",
        sandbox_mode=True,
        skill=None,
    )
    ProductFactory(store=store, name="Corner Razor", spoken_name="corner razor")
    IspSettings.objects.create(store=store, sandbox_mode=True)
    IspProductFactory(store=store, reference_name="pro_pack", listing=False)
    return store


def test_every_item_fails_with_its_reason_fix_and_link(broken_store):
    store = broken_store
    checks = {c.key: c for c in launch_checklist(store)}
    page = f"/admin/merchant/store/{store.pk}/change/"
    assert summary(store) == [
        ("seller", "failed", "The store has no seller of record."),
        ("invocation", "failed", 'Alexa would refuse the invocation name "Alexa Shop".'),
        (
            "listing",
            "failed",
            "Missing: small icon URL, large icon URL, privacy policy URL.",
        ),
        (
            "sandbox",
            "failed",
            "Amazon Pay and ISP sandbox mode are on: certification tests the skill as shoppers "
            "will use it, with real payments and purchases.",
        ),
        (
            "skill_id",
            "failed",
            "No Alexa skill id is linked: requests from the skill cannot reach this store.",
        ),
        (
            "payment",
            "failed",
            "The payment mode is Amazon Pay, charge now, but the store has no Amazon Pay "
            "seller id.",
        ),
        ("isp", "failed", "4 problem(s) Amazon would refuse the products for."),
        ("export", "failed", "The skill package cannot be exported now: 6 problem(s)."),
        (
            "endpoint",
            "failed",
            "https://voice-store.example.com/alexa/ is a placeholder, not this portal's address.",
        ),
    ]
    assert checks["seller"].fix == (
        "Write the name of the business shoppers buy from in the store's settings: the skill "
        "names it in every order summary."
    )
    assert checks["seller"].link == f"{page}#id_name"
    assert checks["invocation"].problems == [
        'en-US: invocation name "Alexa Shop" must be lower case.',
        'en-US: invocation name "Alexa Shop" contains "alexa", a wake word or a word Alexa '
        "reserves.",
    ]
    assert checks["listing"].link == f"{page}#id_skill_small_icon_url"
    assert checks["sandbox"].fix == (
        "After the certification cases (which need the sandboxes) pass, untick Amazon Pay "
        "sandbox mode in the store's settings and untick ISP sandbox mode in the store's ISP "
        "settings."
    )
    assert checks["sandbox"].link == f"{page}#id_sandbox_mode"
    assert checks["payment"].link == f"{page}#id_amazon_pay_seller_id"
    isp_problems = [
        "In-skill products need the store's privacy policy URL.",
        "In-skill product pro_pack: write its name and texts for at least one locale.",
        "In-skill product pro_pack: set a price in at least one marketplace.",
        "In-skill product pro_pack: sold in US but no price is set in the marketplace serving it.",
    ]
    assert checks["isp"].problems == isp_problems
    assert checks["isp"].link == "/admin/isp/inskillproduct/"
    assert checks["export"].problems == checks["invocation"].problems + isp_problems
    assert checks["export"].fix == (
        "Fix them, then download the skill package again and deploy it with ask deploy."
    )


def test_each_fix_turns_its_item_green(broken_store):
    store = broken_store
    store.name = "Corner Razors"
    store.save()
    seller = launch_checklist(store)[0]
    assert (seller.status, seller.detail) == (
        "failed",
        "Shoppers cannot be told how to reach Corner Razors: the store has no support phone, "
        "email or web address.",
    )
    store.support_email = "help@corner.example.com"
    store.refund_policy = ""
    store.save()
    seller = launch_checklist(store)[0]
    assert (seller.status, seller.detail) == (
        "warning",
        "Corner Razors has no refund policy: the skill can only say that the store handles "
        "them by request.",
    )
    store.refund_policy = "Returns within 30 days."
    store.invocation_name = "blades"
    store.save()
    invocation = launch_checklist(store)[1]
    assert (invocation.status, invocation.detail, invocation.problems) == (
        "warning",
        '"blades" is valid in en-US, with 2 remark(s).',
        [
            'en-US: invocation name "blades" is one word: Alexa accepts that only for a brand '
            "you can prove you own.",
            'The invocation name "blades" does not contain the seller\'s name "Corner '
            'Razors": certification checks that shoppers open the skill by the name of the '
            "store.",
        ],
    )
    store.invocation_name = "corner razors"
    store.skill_small_icon_url = "https://corner.example.com/108.png"
    store.skill_large_icon_url = "https://corner.example.com/512.png"
    store.privacy_policy_url = "https://corner.example.com/privacy"
    store.amazon_pay_seller_id = "A2CORNER"
    store.save()
    sandbox = launch_checklist(store)[3]
    assert (sandbox.status, sandbox.detail) == (
        "failed",
        "Amazon Pay and ISP sandbox mode are on: certification tests the skill as shoppers "
        "will use it, with real payments and purchases.",
    )
    store.sandbox_mode = False
    store.save()
    sandbox = launch_checklist(store)[3]
    assert sandbox.detail.startswith("ISP sandbox mode is on:")
    settings_row = IspSettings.objects.get(store=store)
    assert sandbox.link == f"/admin/isp/ispsettings/{settings_row.pk}/change/"
    IspSettings.objects.filter(store=store).update(sandbox_mode=False)
    SkillIdFactory(store=store, skill_id="amzn1.ask.skill.corner-1")
    store.isp_products.all().delete()
    IspProductFactory(store=store, reference_name="pro_pack")
    export = launch_checklist(store)[7]
    assert (export.status, export.detail) == ("failed", "The skill package was never exported.")
    assert export.link == f"/console/stores/{store.pk}/skill-package.zip"
    skill_package_export_record(store=store, source="command")
    store.refresh_from_db()
    checks = launch_checklist(store)
    revision = catalog_revision(store_id=store.pk)
    when = timezone.localtime(SkillPackageExport.objects.get().created_at)
    assert [(c.key, c.status, c.detail) for c in checks] == [
        (
            "seller",
            "passed",
            "Order summaries name Corner Razors as the seller; refund and cancel answers give "
            "the store's policies and how to reach it.",
        ),
        ("invocation", "passed", '"corner razors" is valid in en-US and names the seller.'),
        ("listing", "passed", "Both icons and the privacy policy are set."),
        ("sandbox", "passed", "No sandbox is on: payments and purchases go to Amazon."),
        ("skill_id", "passed", "Linked: amzn1.ask.skill.corner-1."),
        ("payment", "passed", "Amazon Pay, charge now, seller id A2CORNER."),
        ("isp", "passed", "1 product(s), every one complete."),
        (
            "export",
            "passed",
            f"Exported {when:%Y-%m-%d %H:%M} from catalog revision {revision}, the current one.",
        ),
        (
            "endpoint",
            "failed",
            "https://voice-store.example.com/alexa/ is a placeholder, not this portal's address.",
        ),
    ]
    assert all(c.fix == "" and c.problems == [] for c in checks[:-1])


def test_a_pay_on_delivery_store_needs_no_seller_id(db):
    store = StoreFactory(payment_mode=PaymentMode.PAY_ON_DELIVERY, amazon_pay_seller_id="")
    payment = launch_checklist(store)[5]
    assert (payment.status, payment.detail) == (
        "passed",
        "Pay on delivery: no Amazon Pay account is needed.",
    )
    sandbox = launch_checklist(store)[3]
    assert sandbox.status == "passed"  # Amazon Pay's sandbox switch means nothing here


def test_the_export_item_fails_when_the_catalog_moved_and_warns_on_settings(db):
    store = StoreFactory(invocation_name="corner razors", enabled_locales=["en-US"])
    product = ProductFactory(store=store, spoken_name="corner razor")
    skill_package_export_record(store=store, source="command")
    exported = catalog_revision(store_id=store.pk)
    SkillPackageExport.objects.update(created_at=timezone.now() + timedelta(seconds=1))
    assert launch_checklist(store)[7].status == "passed"

    Product.objects.filter(pk=product.pk).update(stock=3)  # stock only: not counted
    product.spoken_description = "a sharper razor"
    product.save()
    export = launch_checklist(store)[7]
    when = timezone.localtime(SkillPackageExport.objects.get().created_at)
    assert (export.status, export.detail) == (
        "failed",
        f"The catalog changed since the last export ({when:%Y-%m-%d %H:%M}, catalog revision "
        f"{exported}; now {exported + 1}).",
    )
    assert export.fix == (
        "Download the skill package again and deploy it with ask deploy: the interaction "
        "model must know the current products."
    )

    skill_package_export_record(store=store, source="command")
    SkillPackageExport.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    store.invocation_name = "corner razor shop"
    store.save()
    export = launch_checklist(store)[7]
    when = timezone.localtime(SkillPackageExport.objects.latest("pk").created_at)
    assert (export.status, export.detail, export.fix) == (
        "warning",
        f"Exported {when:%Y-%m-%d %H:%M} from catalog revision {exported + 1}, the current "
        "one. The store's settings were saved after the export.",
        "Export again if the listing, invocation name, locales or payment settings changed: "
        "skill.json is built from them.",
    )
    assert package_warnings(store) == [
        "Certification needs the small icon (108 pixels), the large icon (512 pixels) and a "
        "privacy policy URL: set them under Skill listing in the store's settings and export "
        "again.",
        "Amazon Pay runs in sandbox mode: switch sandbox mode off before certification.",
    ]


# The export record ------------------------------------------------------------------------------


@pytest.fixture
def owner(db):
    store = StoreFactory(invocation_name="corner razors", enabled_locales=["en-US"])
    ProductFactory(store=store, spoken_name="corner razor")
    membership = MembershipFactory(store=store, role=Role.OWNER)
    return membership.user, store


def test_the_owners_download_records_the_export(client, owner):
    user, store = owner
    client.force_login(user)
    response = client.get(f"/console/stores/{store.pk}/skill-package.zip")
    assert response.status_code == 200
    export = SkillPackageExport.objects.get()
    assert (export.store, export.catalog_revision, export.source, export.exported_by) == (
        store,
        catalog_revision(store_id=store.pk),
        "download",
        user,
    )


def test_an_invalid_package_is_not_recorded_and_nor_is_a_refused_download(client, owner):
    user, store = owner
    other = UserFactory()
    client.force_login(other)
    assert client.get(f"/console/stores/{store.pk}/skill-package.zip").status_code == 404
    client.force_login(user)
    store.invocation_name = "Alexa Shop"
    store.save()
    response = client.get(f"/console/stores/{store.pk}/skill-package.zip")
    assert response.status_code == 302
    assert SkillPackageExport.objects.count() == 0


def test_the_management_command_records_the_export(owner, tmp_path):
    _, store = owner
    call_command("export_skill_package", "--store", store.slug, str(tmp_path), stdout=io.StringIO())
    export = SkillPackageExport.objects.get()
    assert (export.store, export.catalog_revision, export.source, export.exported_by) == (
        store,
        catalog_revision(store_id=store.pk),
        "command",
        None,
    )
    assert launch_checklist(store)[7].status == "passed"
