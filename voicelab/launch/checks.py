"""The launch checklist: what Amazon's certification will look at, and where the store
stands. One plain function per item, each returning a ``Check`` (passed, failed or warning,
what was found, the fix in words and a link to where to fix it); ``launch_checklist`` runs
them in the order the page shows.

The rules come from the 2019 guide's certification tips and Amazon's certification pages
(``reference/alexa-and-amazon-pay.md`` section 6, ``reference/in-skill-purchasing.md``
section 7): the seller of record and how to reach them, an invocation name Alexa accepts in
every locale and that names the seller, icons and a privacy policy, ``sandboxMode`` off, the
skill id, Amazon Pay's seller id, complete in-skill products, and a deployed package that
knows the current catalog.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from catalog.selectors import catalog_revision
from isp.models import InSkillProduct, IspSettings
from isp.package import isp_validation_errors
from isp.selectors import store_in_isp_sandbox
from merchant.invocation import check_invocation_name, invocation_name_errors
from merchant.models import Store
from voicelab.package import PackageInvalid, build_skill_package

from .endpoint import endpoint_problem, probe_endpoint
from .selectors import latest_export

PASSED, FAILED, WARNING = "passed", "failed", "warning"


@dataclass(frozen=True)
class Check:
    key: str
    name: str
    status: str  # passed, failed or warning
    detail: str  # what was found
    fix: str = ""  # what to do, in words ("" when passed)
    link: str = ""  # where to do it
    problems: list[str] = field(default_factory=list)  # each problem found, one sentence


def launch_checklist(store: Store) -> list[Check]:
    return [check(store) for check in CHECKS]


def _store_page(store: Store, field_name: str = "") -> str:
    url = reverse("admin:merchant_store_change", args=[store.pk])
    return f"{url}#id_{field_name}" if field_name else url


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-zäöüß']+", text.lower()))


def seller_of_record(store: Store) -> Check:
    name = "Seller of record"
    link = _store_page(store, "name")
    if not store.name.strip():
        return Check(
            "seller",
            name,
            FAILED,
            "The store has no seller of record.",
            "Write the name of the business shoppers buy from in the store's settings: the "
            "skill names it in every order summary.",
            link,
        )
    if not (store.support_phone or store.support_email or store.support_url):
        return Check(
            "seller",
            name,
            FAILED,
            f"Shoppers cannot be told how to reach {store.name}: the store has no support "
            "phone, email or web address.",
            "Add a support phone, email or web address in the store's settings: the skill "
            "reads it when a shopper asks for a refund or to cancel a shipped order.",
            _store_page(store, "support_phone"),
        )
    missing = [
        label
        for label, value in (
            ("refund policy", store.refund_policy),
            ("cancellation policy", store.cancellation_policy),
        )
        if not value.strip()
    ]
    if missing:
        return Check(
            "seller",
            name,
            WARNING,
            f"{store.name} has no {' and no '.join(missing)}: the skill can only say that "
            "the store handles them by request.",
            "Write the refund and cancellation policies in the store's settings: the skill "
            "reads them when a shopper asks for a refund or to cancel.",
            _store_page(store, "refund_policy"),
        )
    return Check(
        "seller",
        name,
        PASSED,
        f"Order summaries name {store.name} as the seller; refund and cancel answers give "
        "the store's policies and how to reach it.",
        link=link,
    )


def invocation_name(store: Store) -> Check:
    name = "Invocation name"
    link = _store_page(store, "invocation_name")
    errors = invocation_name_errors(store.invocation_name, store.locales())
    warnings = list(
        dict.fromkeys(
            warning
            for locale in store.locales()
            for warning in check_invocation_name(store.invocation_name, locale)[1]
        )
    )
    if errors:
        return Check(
            "invocation",
            name,
            FAILED,
            f'Alexa would refuse the invocation name "{store.invocation_name}".',
            "Change the invocation name in the store's settings: lower case, letters and "
            "spaces only, at least two words, no wake or launch words, in every locale the "
            "skill speaks.",
            link,
            errors,
        )
    seller_words = _words(store.name)
    if seller_words and not seller_words & _words(store.invocation_name):
        warnings.append(
            f'The invocation name "{store.invocation_name}" does not contain the seller\'s '
            f'name "{store.name}": certification checks that shoppers open the skill by the '
            "name of the store."
        )
    if warnings:
        return Check(
            "invocation",
            name,
            WARNING,
            f'"{store.invocation_name}" is valid in {", ".join(store.locales())}, with '
            f"{len(warnings)} remark(s).",
            "Consider an invocation name of at least two words that names the store.",
            link,
            warnings,
        )
    return Check(
        "invocation",
        name,
        PASSED,
        f'"{store.invocation_name}" is valid in {", ".join(store.locales())} and names the seller.',
        link=link,
    )


def icons_and_privacy_policy(store: Store) -> Check:
    name = "Icons and privacy policy"
    missing = [
        (label, field_name)
        for label, field_name in (
            ("small icon URL", "skill_small_icon_url"),
            ("large icon URL", "skill_large_icon_url"),
            ("privacy policy URL", "privacy_policy_url"),
        )
        if not getattr(store, field_name)
    ]
    if missing:
        return Check(
            "listing",
            name,
            FAILED,
            f"Missing: {', '.join(label for label, _ in missing)}.",
            "Add the HTTPS addresses of a 108 × 108 and a 512 × 512 pixel PNG icon and of "
            "your privacy policy in the store's settings: the Alexa Skills Store shows them, "
            "and a skill that takes orders or sells must link a privacy policy.",
            _store_page(store, missing[0][1]),
        )
    return Check(
        "listing",
        name,
        PASSED,
        "Both icons and the privacy policy are set.",
        link=_store_page(store, "skill_small_icon_url"),
    )


def sandbox_modes_off(store: Store) -> Check:
    name = "Sandbox modes off"
    amazon_pay = store.uses_amazon_pay and store.sandbox_mode
    isp = store_in_isp_sandbox(store)
    isp_settings = IspSettings.objects.filter(store=store).first()
    isp_link = (
        reverse("admin:isp_ispsettings_change", args=[isp_settings.pk]) if isp_settings else ""
    )
    if amazon_pay or isp:
        on = [label for label, flag in (("Amazon Pay", amazon_pay), ("ISP", isp)) if flag]
        fixes = []
        if amazon_pay:
            fixes.append("untick Amazon Pay sandbox mode in the store's settings")
        if isp:
            fixes.append("untick ISP sandbox mode in the store's ISP settings")
        return Check(
            "sandbox",
            name,
            FAILED,
            f"{' and '.join(on)} sandbox mode {'are' if len(on) > 1 else 'is'} on: "
            "certification tests the skill as shoppers will use it, with real payments and "
            "purchases.",
            f"After the certification cases (which need the sandboxes) pass, "
            f"{' and '.join(fixes)}.",
            _store_page(store, "sandbox_mode") if amazon_pay else isp_link,
        )
    return Check(
        "sandbox",
        name,
        PASSED,
        "No sandbox is on: payments and purchases go to Amazon.",
        link=_store_page(store, "sandbox_mode"),
    )


def skill_id_linked(store: Store) -> Check:
    name = "Alexa skill id"
    ids = list(store.skill_ids.order_by("pk").values_list("skill_id", flat=True))
    if not ids:
        return Check(
            "skill_id",
            name,
            FAILED,
            "No Alexa skill id is linked: requests from the skill cannot reach this store.",
            "Paste the skill id from the Alexa developer console (amzn1.ask.skill.…) under "
            "Alexa skill ids in the store's settings.",
            _store_page(store),
        )
    return Check("skill_id", name, PASSED, f"Linked: {', '.join(ids)}.", link=_store_page(store))


def skill_endpoint(store: Store) -> Check:
    name = "Skill endpoint"
    url = store.alexa_endpoint_url()
    link = _store_page(store, "skill_endpoint_url")
    fix = (
        "Set the skill endpoint URL in the store's settings (or ALEXA_SKILL_ENDPOINT_URL for "
        "the deployment) to this portal's HTTPS address followed by /alexa/."
    )
    problem = endpoint_problem(url)
    if problem:
        return Check("endpoint", name, FAILED, problem, fix, link)
    skill_id = store.skill_ids.order_by("pk").values_list("skill_id", flat=True).first()
    probe = probe_endpoint(
        url=url, skill_id=skill_id or "amzn1.ask.skill.launch-check", locale=store.default_locale
    )
    if probe.status == PASSED:
        return Check("endpoint", name, PASSED, probe.detail, link=link)
    if probe.status == WARNING:
        unknown = "does not know the skill id" in probe.detail
        return Check(
            "endpoint",
            name,
            WARNING,
            probe.detail,
            "Publish the skill (or paste its id under Alexa skill ids) so its requests reach "
            "the store."
            if unknown
            else fix,
            link,
        )
    return Check("endpoint", name, FAILED, probe.detail, fix, link)


def payment_set_up(store: Store) -> Check:
    name = "Amazon Pay seller id or pay on delivery"
    link = _store_page(store, "payment_mode")
    if not store.uses_amazon_pay:
        return Check(
            "payment", name, PASSED, "Pay on delivery: no Amazon Pay account is needed.", link=link
        )
    if not store.amazon_pay_seller_id.strip():
        return Check(
            "payment",
            name,
            FAILED,
            f"The payment mode is {store.get_payment_mode_display()}, but the store has no "
            "Amazon Pay seller id.",
            "Paste your Amazon Pay seller id, or choose pay on delivery, in the store's settings.",
            _store_page(store, "amazon_pay_seller_id"),
        )
    return Check(
        "payment",
        name,
        PASSED,
        f"{store.get_payment_mode_display()}, seller id {store.amazon_pay_seller_id}.",
        link=link,
    )


def in_skill_products_valid(store: Store) -> Check:
    name = "In-skill products complete and valid"
    link = reverse("admin:isp_inskillproduct_changelist")
    count = InSkillProduct.objects.filter(store=store).count()
    if not count:
        return Check("isp", name, PASSED, "The store sells no in-skill products.", link=link)
    errors = isp_validation_errors(store)
    if errors:
        return Check(
            "isp",
            name,
            FAILED,
            f"{len(errors)} problem(s) Amazon would refuse the products for.",
            "Complete the products in the admin: texts for every locale the skill speaks, "
            "both icons, a price and the countries it is sold in, and testing instructions.",
            link,
            errors,
        )
    return Check("isp", name, PASSED, f"{count} product(s), every one complete.", link=link)


def package_exported(store: Store) -> Check:
    name = "Skill package exported after the last catalog change"
    download = reverse("console:skill_package", args=[store.pk])
    try:
        build_skill_package(store=store)
    except PackageInvalid as invalid:
        return Check(
            "export",
            name,
            FAILED,
            f"The skill package cannot be exported now: {len(invalid.errors)} problem(s).",
            "Fix them, then download the skill package again and deploy it with ask deploy.",
            _store_page(store),
            invalid.errors,
        )
    export = latest_export(store=store)
    revision = catalog_revision(store_id=store.pk)
    if export is None:
        return Check(
            "export",
            name,
            FAILED,
            "The skill package was never exported.",
            "Download the skill package (or run manage.py export_skill_package) and deploy it "
            "with ask deploy.",
            download,
        )
    when = timezone.localtime(export.created_at).strftime("%Y-%m-%d %H:%M")
    if export.catalog_revision != revision:
        return Check(
            "export",
            name,
            FAILED,
            f"The catalog changed since the last export ({when}, catalog revision "
            f"{export.catalog_revision}; now {revision}).",
            "Download the skill package again and deploy it with ask deploy: the interaction "
            "model must know the current products.",
            download,
        )
    detail = f"Exported {when} from catalog revision {revision}, the current one."
    if store.updated_at > export.created_at:
        return Check(
            "export",
            name,
            WARNING,
            f"{detail} The store's settings were saved after the export.",
            "Export again if the listing, invocation name, locales or payment settings "
            "changed: skill.json is built from them.",
            download,
        )
    return Check("export", name, PASSED, detail, link=download)


def package_warnings(store: Store) -> list[str]:
    """The skill package exporter's own remarks (most repeat an item above; the page lists
    them apart). Empty when the package cannot be built (the export item says why)."""
    try:
        return build_skill_package(store=store).warnings
    except PackageInvalid:
        return []


CHECKS = [
    seller_of_record,
    invocation_name,
    icons_and_privacy_policy,
    sandbox_modes_off,
    skill_id_linked,
    payment_set_up,
    in_skill_products_valid,
    package_exported,
    skill_endpoint,
]
