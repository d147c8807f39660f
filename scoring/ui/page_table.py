"""The one table of the app's pages: name (file under `pages/`), icon, sidebar section, roles, title key.

Row order is the sidebar order (grouped by section); `LANDING` names where each role lands after signing
in. Adding a page is one row here (plus its `page.<name>` text in a `scoring/ui/texts/` module).
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.domain import Role

LEAD, REVIEWER, OBSERVER, LIAISON = Role.LEAD, Role.REVIEWER, Role.OBSERVER, Role.LIAISON
WORK, RESULTS, SETTINGS = "nav.work", "nav.results", "nav.settings"


@dataclass(frozen=True)
class PageSpec:
    name: str
    icon: str
    section: str  # text key of the sidebar group
    roles: tuple[Role, ...]  # who may open it (no role: the set-up and sign-in pages)

    @property
    def title_key(self) -> str:
        return f"page.{self.name}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("setup", ":material/build:", WORK, ()),
    PageSpec("signin", ":material/login:", WORK, ()),
    PageSpec("my_files", ":material/assignment:", WORK, (REVIEWER,)),
    PageSpec("score", ":material/grading:", WORK, (REVIEWER,)),
    PageSpec("calibration", ":material/tune:", WORK, (LEAD, REVIEWER)),
    PageSpec("objections", ":material/feedback:", WORK, (LEAD, REVIEWER, LIAISON)),
    PageSpec("overview", ":material/dashboard:", RESULTS, (LEAD, REVIEWER, OBSERVER, LIAISON)),
    PageSpec("campaigns", ":material/event_note:", WORK, (LEAD,)),
    PageSpec("register", ":material/inventory_2:", WORK, (LEAD,)),
    PageSpec("precheck", ":material/fact_check:", WORK, (LEAD,)),
    PageSpec("sampling", ":material/casino:", WORK, (LEAD,)),
    PageSpec("assignment", ":material/assignment_ind:", WORK, (LEAD,)),
    PageSpec("recheck", ":material/compare_arrows:", WORK, (LEAD,)),
    PageSpec("progress", ":material/monitoring:", WORK, (LEAD,)),
    PageSpec("compare", ":material/leaderboard:", RESULTS, (LEAD, REVIEWER, OBSERVER, LIAISON)),
    PageSpec("unit_detail", ":material/apartment:", RESULTS, (LEAD, REVIEWER, OBSERVER, LIAISON)),
    PageSpec("problems", ":material/report:", RESULTS, (LEAD, REVIEWER, OBSERVER, LIAISON)),
    PageSpec("agreement", ":material/handshake:", RESULTS, (LEAD,)),
    PageSpec("trends", ":material/trending_up:", RESULTS, (LEAD,)),
    PageSpec("findings", ":material/edit_note:", WORK, (LEAD,)),
    PageSpec("documents", ":material/description:", WORK, (LEAD,)),
    PageSpec("standards", ":material/rule:", SETTINGS, (LEAD, REVIEWER)),
    PageSpec("accounts", ":material/group:", SETTINGS, (LEAD,)),
)
BY_NAME: dict[str, PageSpec] = {p.name: p for p in PAGES}
LANDING: dict[Role, str] = {LEAD: "overview", REVIEWER: "my_files", OBSERVER: "overview", LIAISON: "objections"}


def pages_of(role: str) -> tuple[str, ...]:
    """The names of the pages a role may open: its landing page first, then the others in table order."""
    names = [p.name for p in PAGES if role in p.roles]
    first = LANDING.get(Role(role))
    return tuple([first] + [n for n in names if n != first]) if first in names else tuple(names)
