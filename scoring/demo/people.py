"""The demo's people: a panel of invented reviewers from other units, an observer, a unit liaison, and
(only when the database has no panel lead yet) a demo lead.

Every demo account signs in with `DEMO_PASSWORD`. The names are plainly invented labels
("示例评查员01（区司法局）"), never realistic personal names. Accounts are created through
`scoring.accounts.create_user`, by the lead, so they are audited like any other account.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.accounts import count_users, create_user, hash_password
from scoring.db.models import User
from scoring.domain import Role
from scoring.errors import CaseReviewError
from scoring.messages import Msg
from scoring.policy import Action, check

DEMO_PASSWORD = "demo-review-2024"  # documented in the README and printed by `casereview demo`

DEMO_LEAD_USERNAME = "demo-lead"
DEMO_LEAD_NAME = "示例评查组长"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    unit: str


# Twelve reviewers, home units spread over departments and towns (nobody reviews their own unit).
REVIEWERS: tuple[DemoPerson, ...] = tuple(
    DemoPerson(f"demo-reviewer-{i:02d}", f"示例评查员{i:02d}（{unit}）", unit)
    for i, unit in enumerate(
        (
            "区司法局", "区城管执法局", "区市场监管局", "区公安分局", "区生态环境局", "区交通委",
            "区卫生健康委", "区应急局", "城桥镇", "堡镇", "陈家镇", "长兴镇",
        ),
        start=1,
    )
)
OBSERVER = DemoPerson("demo-observer", "示例观察员（区城管执法局联络员）", "区城管执法局")
# The unit liaison of 区城管执法局: sees that unit's released results and its objection (issue 13).
LIAISON = DemoPerson("demo-liaison", "示例联络员（区城管执法局）", "区城管执法局")


def find_lead(session: Session, actor_id: int | None) -> User | None:
    """The lead the demo acts as: `actor_id` (who must be an active lead), else the first active lead."""
    if actor_id is not None:
        user = session.get(User, actor_id)
        if user is None:
            raise CaseReviewError(code="auth.no_user", id=actor_id)
        return check(user, Action.IMPORT_REGISTER)
    return session.scalar(
        select(User).where(User.role == Role.LEAD, User.active.is_(True)).order_by(User.id).limit(1)
    )


def create_demo_lead(session: Session) -> User:
    """The demo lead, for a database with no accounts at all (e.g. `casereview demo` on a new file)."""
    if count_users(session):
        raise CaseReviewError(code="demo.no_lead")
    return create_user(session, username=DEMO_LEAD_USERNAME, display_name=DEMO_LEAD_NAME, role=Role.LEAD,
                       password_hash=demo_password_hash(), bootstrap=True)


@functools.cache
def demo_password_hash() -> str:
    """The shared demo password, hashed once per process for every demo account (Argon2 is slow on purpose;
    the password is published in the README, so one salt for all of them hides nothing)."""
    return hash_password(DEMO_PASSWORD)


def ensure_people(session: Session, lead: User) -> tuple[list[User], User, int]:
    """The demo reviewers (in `REVIEWERS` order), observer and unit liaison, created where missing.

    Returns (reviewers, observer, how many accounts were created). An existing account with a demo
    user name but another role is refused rather than used.
    """
    created = 0
    users: list[User] = []
    others = [(OBSERVER, Role.OBSERVER), (LIAISON, Role.LIAISON)]
    for person, role in [(p, Role.REVIEWER) for p in REVIEWERS] + others:
        user = session.scalar(select(User).where(User.username == person.username))
        if user is None:
            user = create_user(session, username=person.username, display_name=person.display_name, role=role,
                               unit_name=person.unit, password_hash=demo_password_hash(), actor=lead)
            created += 1
        elif user.role != role or not user.active:
            raise CaseReviewError(code="demo.person_clash", username=person.username, role=Msg(f"policy.role.{role.value}"))
        users.append(user)
    return users[:len(REVIEWERS)], users[len(REVIEWERS)], created
