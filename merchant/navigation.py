"""The portal's navigation, decided in one place: which sections a user may open, where their
home is, and who they are, for the header every page shows (``templates/portal/_header.html``)
and the admin home's "Work on your stores" module.

A link is shown only where the page would let the user in: each rule below is the area the
page's own view checks (``stores_for_user(user=..., area=...)``). ``merchant`` is the lowest
app, so the other apps' pages are named by URL name and reversed, never imported.
"""

from dataclasses import dataclass, replace

from django.urls import reverse

from .models import Area
from .selectors import areas_of_user, memberships_of_user

REQUEST_CACHE = "_portal_navigation"


@dataclass(frozen=True)
class Link:
    key: str
    label: str  # in the header
    title: str  # on the admin home
    url_name: str
    description: str = ""
    element_id: str = ""  # the admin home's link id (tests and walkthroughs find it by it)
    sections: tuple[str, ...] = ()  # view-name prefixes of the pages that are this section
    active: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _admin_home(areas) -> bool:
    # The admin's index lets every staff member in, but only catalog and store-settings work
    # happens there; an agent's orders are the support console (its admin pages are records).
    return bool(areas & {Area.CATALOG, Area.SETTINGS})


# (link, who sees it): each predicate is the guard of the page's own view.
_LINKS = [
    (
        Link(
            "admin",
            "Admin",
            "Admin",
            "admin:index",
            # The skill package download is a page of the store's settings.
            sections=("admin:", "console:skill_package"),
        ),
        _admin_home,
    ),
    (
        Link(
            "support",
            "Support console",
            "Support console",
            "support:order_list",
            "Find orders, cancel, ship, refund, resolve refund requests.",
            sections=("support:", "isp_support:"),
        ),
        # orders/views.py store_ids_or_403(area=Area.ORDERS)
        lambda areas: Area.ORDERS in areas,
    ),
    (
        Link(
            "transcripts",
            "Conversations",
            "Conversations",
            "transcripts:index",
            "What shoppers said to your skill and what it answered, session by session.",
            element_id="transcripts-link",
            sections=("transcripts:",),
        ),
        # analytics/transcripts/views.py: Area.ORDERS reads (owners mark and make cases)
        lambda areas: Area.ORDERS in areas,
    ),
    (
        Link(
            "console",
            "Voice console",
            "Voice test console",
            "console:page",
            "Talk to your store as a shopper would (owners).",
            sections=("console:page", "console:turn"),
        ),
        # voicelab/console/views.py console_stores: Area.SETTINGS, else 403
        lambda areas: Area.SETTINGS in areas,
    ),
    (
        Link(
            "launch",
            "Launch checklist",
            "Launch checklist",
            "launch:index",
            "What Amazon's certification will check, and the certification conversations "
            "played against your skill (owners).",
            sections=("launch:",),
        ),
        # voicelab/launch/selectors.py launch_stores: Area.SETTINGS, else 403
        lambda areas: Area.SETTINGS in areas,
    ),
    (
        Link(
            "agents",
            "Agents",
            "Shopping agents",
            "agents:index",
            "Sell through shopping agents (UCP): on or off, the profile URL, the platforms' "
            "clients, agent checkouts and the last errors (owners).",
            element_id="agents-link",
            sections=("agents:",),
        ),
        # ucp/agents_page.py _stores: Area.SETTINGS, else 403
        lambda areas: Area.SETTINGS in areas,
    ),
    (
        Link(
            "dashboard",
            "Dashboard",
            "Dashboard",
            "dashboard:index",
            "Your store at a glance: sales, voice traffic, funnels, in-skill purchases, what "
            "shoppers said that the skill did not understand (owners).",
            element_id="dashboard-link",
            sections=("dashboard:",),
        ),
        # analytics/dashboard/views.py dashboard_index: Area.SETTINGS, else 403
        lambda areas: Area.SETTINGS in areas,
    ),
    (
        Link(
            "staff",
            "Staff",
            "Staff",
            "admin:merchant_store_staff_index",
            "Invite colleagues by email, change their roles, remove their access (owners).",
            element_id="staff-link",
            sections=("admin:merchant_store_staff",),
        ),
        # merchant/views.py staff_index: Area.SETTINGS, else 403
        lambda areas: Area.SETTINGS in areas,
    ),
    (
        Link(
            "apikeys",
            "API keys",
            "API keys",
            "api_keys:index",
            "Keys for your own tools to use the API: scoped, revocable, last use shown (owners).",
            element_id="api-keys-link",
            sections=("api_keys:",),
        ),
        # apikeys/views.py api_keys_index: Area.SETTINGS, else 403
        lambda areas: Area.SETTINGS in areas,
    ),
    (
        Link(
            "api",
            "API docs",
            "API documentation",
            "api-docs",
            "Every endpoint, tried from the browser (Swagger UI).",
            element_id="api-docs-link",
            sections=("api-docs", "api-redoc"),
        ),
        # The orders API answers only for the stores the user works on orders for.
        lambda areas: Area.ORDERS in areas,
    ),
]


def portal_links(user, *, areas=None, view_name: str = "") -> list[Link]:
    """The sections ``user`` may open, in header order; the one whose pages include
    ``view_name`` (the longest matching prefix) is marked active."""
    if areas is None:
        areas = areas_of_user(user=user, memberships=memberships_of_user(user=user))
    links = [link for link, allowed in _LINKS if allowed(areas)]
    best = max(
        (
            (len(prefix), link.key)
            for link in links
            for prefix in link.sections
            if view_name and view_name.startswith(prefix)
        ),
        default=None,
    )
    return [replace(link, active=best is not None and link.key == best[1]) for link in links]


def home_url(links: list[Link]) -> str:
    """The brand's link: the first section the user works in (the admin's home by default)."""
    return links[0].url if links else reverse("admin:index")


class PortalNavigation:
    """What the header shows for one request; computed once, when a template first asks."""

    def __init__(self, request):
        self.request = request
        self._done = False

    def _compute(self):
        if self._done:
            return
        user = self.request.user
        self._memberships = memberships_of_user(user=user)
        match = getattr(self.request, "resolver_match", None)
        self._links = portal_links(
            user,
            areas=areas_of_user(user=user, memberships=self._memberships),
            view_name=match.view_name if match else "",
        )
        self._done = True

    @property
    def user(self):
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None

    @property
    def memberships(self):
        self._compute()
        return self._memberships

    @property
    def links(self) -> list[Link]:
        self._compute()
        return self._links

    @property
    def sections(self) -> list[Link]:
        """The links besides the admin's home (its "Work on your stores" module)."""
        return [link for link in self.links if link.key != "admin"]

    @property
    def home(self) -> str:
        return home_url(self.links)


def portal_navigation(request) -> dict:
    """Context processor: ``portal`` (one per request). Pages rendered without a request (the
    500 page) have none, and the header falls back to the brand and a way back."""
    if not hasattr(request, REQUEST_CACHE):
        setattr(request, REQUEST_CACHE, PortalNavigation(request))
    return {"portal": getattr(request, REQUEST_CACHE)}
