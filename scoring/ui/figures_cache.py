"""Campaign figures computed once per state of the data, for the pages that show them.

Every change the application makes to what figures are made of (results, reviews, samples, accounts,
campaign settings, standards, the register) appends to the audit chain in the same transaction, so the
chain's head (`audit_chain.anchor`) names one state of the data: a figure computed at that head stays
right until the head moves. A published campaign's unit table or agreement at province scale takes
seconds; a rerun of its page (a filter, a tab, a second reader) then takes milliseconds.

The key holds the database, the head, the acting account and the call's arguments. The core function
checks the account's permission on every computation, and a cached figure is only served to the
account it was computed for (a refusal is an exception, never cached). Rows changed outside the
application (which `casereview audit verify` reports) are not seen here until the next change through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from scoring import audit_chain
from scoring.aggregate import campaign_figures, comparison, top_problems
from scoring.aggregate.disclosure import readable_agreement
from scoring.db.models import User
from scoring.db.session import default_url
from scoring.ui import state

_CACHED: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (comparison, campaign_figures, top_problems, readable_agreement)
}


def figures(fn: Callable[..., Any], campaign_id: int, **options: Any) -> Any:
    """`fn(session, acting account, campaign_id, **options)`, computed once per state of the data."""
    name = fn.__name__
    if name not in _CACHED:
        raise ValueError(f"{name} is not a cached figure")  # internal: a programming error
    with state.acting() as (session, user):
        head = audit_chain.anchor(session.connection())
        user_id = user.id
    return _computed(name, default_url(), head, user_id, campaign_id, tuple(sorted(options.items())))


@st.cache_data(show_spinner=False, max_entries=64)
def _computed(name: str, url: str, head: tuple[int, str] | None, user_id: int, campaign_id: int,
              options: tuple[tuple[str, Any], ...]) -> Any:
    """The computation behind `figures`; `url` and `head` only key the cache."""
    with state.db_session() as session:
        return _CACHED[name](session, session.get(User, user_id), campaign_id, **dict(options))
