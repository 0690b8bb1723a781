"""Limits on repeated attempts that hold however many server processes run.

`throttle` is the one decorator for anything an attacker might repeat: sign-in, the
two-factor code, password checks on the account page, and the public forms (referrals,
forgot-password). Each attempt is a row in the database that every process shares (SQLite
or PostgreSQL), so two gunicorn workers, or forty attempts at once, count as one stream.

The count is race-free without locks: an attempt first commits its own row, then counts
the rows in the window, itself included, and goes ahead only if the count is within the
limit. Of the attempts that went ahead, the one that committed last saw every other one's
row, so no more than the limit can ever get through. Attempts refused with 429, and
attempts that the view says do not count (a successful sign-in), take their rows away again.

Usage, on a view below its route decorator:

    @throttle("referral", lambda: {"address:" + client_address(): [PER_MINUTE]})

and `counts=` to count only failures (see app/auth/routes.py).
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import abort, make_response, request
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import Attempt
from app.models.clock import utcnow


@dataclass(frozen=True)
class Limit:
    """At most `count` attempts within `window`; the next one gets 429."""

    count: int
    window: timedelta


# PRODUCT.md: more than 10 failed sign-ins within a minute, for one account or one address.
PER_MINUTE = Limit(10, timedelta(minutes=1))
# Rows older than the longest window any scope uses are of no further use.
KEEP = timedelta(days=1)

Keys = dict[str, Iterable[Limit]]


def always(_response) -> bool:
    """Every attempt counts (public forms: a success is as repeatable as a failure)."""
    return True


def failed(response) -> bool:
    """Only attempts that did not succeed count; a success answers with a 303 redirect."""
    return response.status_code != 303


def throttle(
    scope: str,
    keys: Callable[[], Keys],
    counts: Callable = always,
    methods: tuple[str, ...] = ("POST",),
    message: str = "Too many attempts. Please wait a minute and try again.",
    forget_on_success: bool = False,
) -> Callable:
    """Limit a view's attempts per key (an account, an address), counted in the database.

    `keys()` gives, for this request, each key with the limits it is held to; `counts`
    says whether the answer counts as an attempt; `forget_on_success` clears the keys'
    earlier attempts when one does not count (a right two-factor code ends a lock-out's
    build-up).
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if request.method not in methods:
                return view(*args, **kwargs)
            wanted = {key[:300]: list(limits) for key, limits in keys().items() if key}
            ids = _reserve(scope, wanted)
            if _over(scope, wanted):
                _forget(ids)
                abort(429, description=message)
            response = make_response(view(*args, **kwargs))
            if not counts(response):
                if forget_on_success:
                    _forget_keys(scope, wanted)
                else:
                    _forget(ids)
            return response

        return wrapped

    return decorate


def _reserve(scope: str, wanted: Keys) -> list[int]:
    """Commit one row per key for this attempt, before anyone counts."""
    now = utcnow()
    rows = [Attempt(scope=scope, key=key, at=now) for key in wanted]
    db.session.add_all(rows)
    db.session.execute(delete(Attempt).where(Attempt.scope == scope, Attempt.at < now - KEEP))
    db.session.commit()
    return [row.id for row in rows]


def _over(scope: str, wanted: Keys) -> bool:
    """Whether any key has more attempts in any of its windows than its limit allows."""
    now = utcnow()
    for key, limits in wanted.items():
        for limit in limits:
            count = db.session.scalar(
                select(func.count())
                .select_from(Attempt)
                .where(Attempt.scope == scope, Attempt.key == key, Attempt.at > now - limit.window)
            )
            if count > limit.count:
                return True
    return False


def _forget(ids: list[int]) -> None:
    db.session.rollback()  # whatever a view left unfinished must not ride along
    db.session.execute(delete(Attempt).where(Attempt.id.in_(ids)))
    db.session.commit()


def _forget_keys(scope: str, wanted: Keys) -> None:
    db.session.rollback()
    db.session.execute(delete(Attempt).where(Attempt.scope == scope, Attempt.key.in_(wanted)))
    db.session.commit()


def attempts(scope: str, key: str, within: timedelta) -> int:
    """How many attempts `key` made in `scope` within the last `within` (for tests and admins)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Attempt)
        .where(Attempt.scope == scope, Attempt.key == key, Attempt.at > utcnow() - within)
    )
