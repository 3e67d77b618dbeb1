"""The isp app's tables: premium content, in-skill products, what shoppers own (the portal's
records), and the embedded sandbox's own state (Amazon's side, for tests and demos)."""

from .content import ContentAccess, ContentCollection, ContentItem, ContentItemLocalization
from .experiments import Arm, ExperimentKind, UpsellExperiment, arm_for
from .ledger import (
    ConsumableLedgerEntry,
    IspEntitlement,
    IspPurchaseAttempt,
    IspPurchaseResult,
    LedgerKind,
    UpsellEvent,
    UpsellEventKind,
)
from .products import InSkillProduct, InSkillProductLocalization, InSkillProductPrice, IspSettings
from .sandbox import SandboxEntitlement, SandboxToken
from .sessions import ContentPlay, IspShopperState

__all__ = [
    "Arm",
    "ExperimentKind",
    "UpsellExperiment",
    "arm_for",
    "ConsumableLedgerEntry",
    "ContentAccess",
    "ContentCollection",
    "ContentItem",
    "ContentItemLocalization",
    "ContentPlay",
    "InSkillProduct",
    "InSkillProductLocalization",
    "InSkillProductPrice",
    "IspEntitlement",
    "IspPurchaseAttempt",
    "IspPurchaseResult",
    "IspSettings",
    "IspShopperState",
    "LedgerKind",
    "SandboxEntitlement",
    "SandboxToken",
    "UpsellEvent",
    "UpsellEventKind",
]
