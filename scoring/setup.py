"""First-run set-up: the panel lead's account on an empty database, and optionally the demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from scoring.accounts import count_users, create_user
from scoring.db.models import User
from scoring.db.session import session_factory, transaction
from scoring.demo.load import load_demo
from scoring.domain import Role
from scoring.errors import ValidationFailed
from scoring.policy import Action, check


def needs_setup(engine: Engine) -> bool:
    """True while the database has no accounts at all (only then is the set-up page offered)."""
    with session_factory(engine)() as session:
        return count_users(session) == 0


def create_first_lead(
    engine: Engine, *, username: str, display_name: str, password: str, password_repeat: str,
    email: str | None = None,
) -> int:
    """Create the first account, a panel lead, and return its id. Refused once any account exists."""
    if not password:
        raise ValidationFailed(code="auth.password_required")
    if password != password_repeat:
        raise ValidationFailed(code="auth.passwords_differ")
    with transaction(engine) as session:
        user = create_user(session, username=username, display_name=display_name, role=Role.LEAD,
                           password=password, email=email or None, bootstrap=True)
        return user.id


def load_demo_data(engine: Engine, actor_id: int, *, data_dir: Path | None = None) -> dict[str, Any]:
    """Load the synthetic demo units and register (lead only); see `scoring.demo.load.load_demo`."""
    with session_factory(engine)() as session:
        check(session.get(User, actor_id), Action.IMPORT_REGISTER)

    return load_demo(engine, actor_id=actor_id, data_dir=data_dir)
