"""Who may do what: the one place that decides access, so no route can forget it.

Every view declares its audience with @allow(...) or @public. A view with neither is
refused for everyone (a new route fails closed). Rows are fetched through `scoped`, which
answers 404 for another organisation's ids, and people through `person_or_404`, which adds
the worker's caseload check.
"""

import uuid
from collections.abc import Callable

from flask import Flask, abort, current_app, request
from flask_login import current_user
from sqlalchemy import exists, select

from app.extensions import db
from app.models import Person, caseload
from app.params import MAX_ID, parse_id
from app.roles import OFFICE, STAFF, sees_everyone, works_from_caseload  # noqa: F401 (views import the groups here)


def allow(*roles: str) -> Callable:
    """Mark a view as open to signed-in users with one of `roles`."""

    def mark(view: Callable) -> Callable:
        view.allowed_roles = roles
        return view

    return mark


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone, signed in or not."""
    view.allowed_roles = None
    view.is_public = True
    return view


def _check_access() -> None:
    """Before each request: refuse unless the endpoint's declared audience includes the user."""
    if request.endpoint is None or request.endpoint == "static":
        return
    if _admits(current_app.view_functions[request.endpoint], current_user):
        return
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    abort(403)


def _admits(view: Callable, user) -> bool:
    """The one rule: a public view admits anyone, any other the signed-in roles it allows."""
    if getattr(view, "is_public", False):
        return True
    return user.is_authenticated and user.role in getattr(view, "allowed_roles", ())


def may(user, endpoint: str) -> bool:
    """Whether `user` may open `endpoint`, as its view declares. Pages ask this before showing
    a link or a form, so what a role is shown follows what it may reach; an endpoint whose
    area is switched off is open to no one."""
    view = current_app.view_functions.get(endpoint)
    return view is not None and _admits(view, user)


def init_app(app: Flask) -> None:
    # First of all before-request checks: who may ask is settled before CSRF or anything
    # else, so a signed-out replay gets 401 and a wrong role 403 whatever else is amiss.
    app.before_request_funcs.setdefault(None, []).insert(0, _check_access)


def organisation_row(model, row_id: int | None, organisation_id: int):
    """The row of `model` with this id in the organisation, or None. An id beyond what an
    integer column holds names no row (asking the database would fail), so it is None too."""
    if row_id is None or not 0 < row_id <= MAX_ID:
        return None
    row = db.session.get(model, row_id)
    return row if row is not None and row.organisation_id == organisation_id else None


def argument_row(args, name: str, model, organisation_id: int, what: str, problems: list):
    """The organisation's row that the query argument `name` names (`?worker=3`), or None.

    An argument left empty is None; one that names no row of the organisation is None too,
    with "`what` was not found, so it is not applied." added to `problems`, so a filtered
    page says why it shows more than was asked for."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    row = organisation_row(model, parse_id(raw), organisation_id)
    if row is None:
        problems.append(f"{what} was not found, so it is not applied.")
    return row


def just_saved(model, person: Person):
    """The row (an entry, a reading) that `?saved=<uuid>` names, to confirm on the person's
    page that it was saved; None unless it is this person's."""
    try:
        row = db.session.get(model, uuid.UUID(request.args.get("saved") or ""))
    except ValueError:
        return None
    return row if row is not None and row.person_id == person.id else None


def scoped(model, row_id) -> object:
    """The row of `model` with this id in the signed-in user's organisation, or 404."""
    row = organisation_row(model, row_id, current_user.organisation_id)
    if row is None:
        abort(404)
    return row


def scoped_under(model, row_id, **owner) -> object:
    """`scoped`, and part of the row it belongs to, e.g. `scoped_under(Rung, 7, outcome_id=3)`:
    another outcome's rung is a 404, as another organisation's is."""
    row = scoped(model, row_id)
    if any(getattr(row, column) != value for column, value in owner.items()):
        abort(404)
    return row


def can_see_person(user, person: Person) -> bool:
    """Office staff see their organisation; a worker sees their caseload (or all, if allowed)."""
    if person.organisation_id != user.organisation_id:
        return False
    if sees_everyone(user):
        return True
    if not works_from_caseload(user):
        return False
    return db.session.scalar(
        select(exists().where(caseload.c.person_id == person.id, caseload.c.user_id == user.id))
    )


def person_or_404(person_id: int) -> Person:
    """The person with this id if the signed-in user may see them; 404 otherwise."""
    person = db.session.get(Person, person_id)
    if person is None or not can_see_person(current_user, person):
        abort(404)
    return person
