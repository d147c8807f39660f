"""Sign-in that holds (issue 12): 50 concurrent wrong guesses -> at most 5 checked against the password
and the account locked; unknown names, wrong passwords and locked accounts get the same answer after
the same Argon2 work."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from scoring import accounts as users
from scoring.accounts import MAX_FAILED_LOGINS, create_user, sign_in
from scoring.db.models import User, utcnow
from scoring.db.session import transaction
from scoring.errors import CaseReviewError

PASSWORD = "the-right-pass-1"
GUESSES = 50


class CountingHasher:
    """Counts Argon2 checks: against a real account's hash, and against the dummy hash."""

    def __init__(self, inner):
        self.inner, self.real, self.dummy = inner, 0, 0
        self.lock = threading.Lock()

    def verify(self, hash_, password):
        with self.lock:
            if hash_ == users._dummy_hash():
                self.dummy += 1
            else:
                self.real += 1
        return self.inner.verify(hash_, password)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def account(engine):
    with transaction(engine) as s:
        create_user(s, username="lead", display_name="组长", role="lead", password=PASSWORD, bootstrap=True)
    users._dummy_hash()
    return engine


def test_fifty_concurrent_wrong_guesses_check_at_most_five_and_lock(account, monkeypatch):
    engine = account
    counter = CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counter)
    start = threading.Barrier(GUESSES)
    answers: list[str] = []

    def guess(i: int) -> None:
        start.wait(timeout=120)
        try:
            sign_in(engine, "lead", f"wrong-guess-{i}")
            answers.append("signed in")
        except CaseReviewError as exc:
            answers.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(GUESSES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == GUESSES and set(answers) == {"CaseReviewError: wrong user name or password"}
    assert counter.real <= MAX_FAILED_LOGINS
    assert counter.real + counter.dummy == GUESSES  # every guess cost one Argon2 check
    with engine.connect() as conn:
        locked_until = conn.execute(sa.select(User.locked_until).where(User.username == "lead")).scalar_one()
    assert locked_until is not None and locked_until > utcnow()
    with pytest.raises(CaseReviewError, match="wrong user name or password"):
        sign_in(engine, "lead", PASSWORD)  # the right password is refused while locked


def test_no_account_enumeration(account, monkeypatch):
    engine = account
    counter = CountingHasher(users._hasher)
    monkeypatch.setattr(users, "_hasher", counter)
    now = utcnow()
    outcomes = []
    for name, password in (("nobody", "whatever-pass"), ("lead", "wrong-pass-0")):
        with pytest.raises(CaseReviewError) as err:
            sign_in(engine, name, password, now=now)
        outcomes.append((type(err.value), str(err.value)))
    assert counter.real == 1 and counter.dummy == 1  # an unknown name costs the same Argon2 check
    for i in range(MAX_FAILED_LOGINS):
        with pytest.raises(CaseReviewError):
            sign_in(engine, "lead", f"wrong-pass-{i + 1}", now=now)
    with pytest.raises(CaseReviewError) as err:
        sign_in(engine, "lead", PASSWORD, now=now + dt.timedelta(minutes=1))
    outcomes.append((type(err.value), str(err.value)))
    assert len(set(outcomes)) == 1  # unknown, wrong and locked read the same
    assert sign_in(engine, "lead", PASSWORD, now=now + dt.timedelta(minutes=16))
