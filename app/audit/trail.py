"""Record who did what, to what, when and from where — centrally, so no route can forget.

Views call `record(action, target, detail)` for reads that matter (a person's page, an
export, a download). A change's own events are staged into the change's commit (`stage`, which
`entries.recording.store` calls), so a stored entry never lacks its audit row. An
after-request hook writes the rest, and on its own records every
state change (any method but GET/HEAD/OPTIONS) and every refused or failed access (401 on a
sign-in, 403, 404, 429), so routes written later are covered without remembering to be.
The same hook audits every successful read of personal data that app/audit/reads.py finds.
"""

from datetime import timedelta

from flask import Flask, current_app, g, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.audit import reads
from app.extensions import db
from app.models import AuditEvent
from app.models.clock import utcnow
from app.throttle import Limit, admit

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Anonymous requests (no one signed in) may add at most this many rows a minute from one
# address; past it, their rows are dropped (and logged) rather than filling the trail.
ANONYMOUS_ROWS_PER_MINUTE = 30
ANONYMOUS_ROWS = Limit(ANONYMOUS_ROWS_PER_MINUTE, timedelta(minutes=1))
FAILURES = {401: "denied", 403: "denied", 404: "not_found", 429: "rate_limited"}
# Ids in paths and queries of failed requests are kept; long bodies and secrets never are.
MAX_DETAIL = 500


def record(action: str, target: str = "", detail: str = "") -> None:
    """Note an event for this request; the after-request hook writes it with who and where."""
    g.setdefault("audit_events", []).append((action, target[:120], detail[:MAX_DETAIL]))


def stage(session: Session) -> None:
    """Add the events noted so far to `session`, to commit with the change they describe.
    If that commit fails they go with it: the change did not happen."""
    events = g.pop("audit_events", [])
    if not events:
        return
    staged = g.setdefault("audit_staged", [])
    for event_row in _rows(events, _actor()):
        session.add(event_row)
        staged.append(event_row)


def _rows(events, actor) -> list[AuditEvent]:
    organisation_id, user_id = actor
    address = client_address()
    now = utcnow()
    return [
        AuditEvent(
            organisation_id=organisation_id,
            user_id=user_id,
            action=action[:40],
            target=target,
            detail=detail,
            address=address,
            at=now,
        )
        for action, target, detail in events
    ]


def client_address() -> str:
    """The client's address as the WSGI server (or a trusted proxy fix) reports it."""
    return (request.remote_addr or "")[:64]


def _actor() -> tuple[int | None, int | None]:
    """(organisation id, user id) of whoever is signed in (or was, until this request signed
    them out), else (None, None). An anonymous request never writes into an organisation's
    trail, even when it names one of its accounts: a stranger must not be able to fill an
    organisation's audit pages by typing its staff's emails into the sign-in form."""
    if current_user and current_user.is_authenticated:
        return current_user.organisation_id, current_user.id
    if actor := g.get("audit_actor"):
        return actor  # signed out during this request: still theirs
    return None, None


def _named_account() -> str:
    return request.form.get("email", "").strip().lower() if request.form else ""


def _automatic(response) -> list[tuple[str, str, str]]:
    """The events every route gets without asking: changes and failed access."""
    status = response.status_code
    where = request.full_path.rstrip("?")[:120]
    if status in FAILURES:
        if status in (401, 429) and request.endpoint in ("auth.sign_in", "auth.sign_in_code"):
            action = "sign_in.failed" if status == 401 else "sign_in.limited"
            email = _named_account()[:110]
            return [(action, f"account:{email}" if email else "two-factor code", where)]
        return [(FAILURES[status], where, f"{request.method} {status}")]
    if request.method not in SAFE_METHODS and status < 400:
        return [(request.endpoint or "change", where, f"{request.method} {status}")]
    return []


def _note_actor() -> None:
    """Before each request: remember who is signed in, in case the request signs them out."""
    if request.method not in SAFE_METHODS and current_user and current_user.is_authenticated:
        g.audit_actor = (current_user.organisation_id, current_user.id)


def write_events(response):
    """After each request: store the events it produced, in a transaction of their own."""
    events = list(g.pop("audit_events", []))
    # Staged events that committed with their change are written; those rolled back with a
    # failed change lost their identity and are dropped, like the change.
    written = [row for row in g.pop("audit_staged", []) if inspect(row).has_identity]
    # A view's own event says more than the generic one; failures are always added.
    if not ((events or written) and response.status_code < 400):
        events += _automatic(response)
    # A read of a person's page is audited unless the view already named that person.
    named = {target for _action, target, _detail in events} | {row.target for row in written}
    events += [event for event in reads.personal_read(response) if event[1] not in named]
    if not events:
        return response
    try:
        actor = _actor_before_rollback()
        # Anything a failed view left unflushed must not ride along with the audit row.
        db.session.rollback()
        if actor == (None, None) and not _anonymous_allowance(len(events)):
            current_app.logger.warning(
                "audit: dropped %d anonymous events from %s (over %d a minute)",
                len(events),
                client_address(),
                ANONYMOUS_ROWS_PER_MINUTE,
            )
            return response
        db.session.add_all(_rows(events, actor))
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not write the audit trail for %s", request.path)
    return response


def _anonymous_allowance(rows: int) -> bool:
    """Take `rows` of this address's anonymous rows for this minute, if they fit.

    Counted by the throttle's exact counter (one lock per key, insert, then count), not by
    counting audit rows first and inserting after: requests arriving together in several
    processes would all see room and all write."""
    key = "address:" + client_address()
    return admit("audit_anonymous", {key: [ANONYMOUS_ROWS]}, weight=rows)


def _actor_before_rollback() -> tuple[int | None, int | None]:
    """The actor, read while the signed-in user is still loaded (a rollback would expire it
    and cost a query to load it again); after a failed flush, read after the rollback."""
    try:
        return _actor()
    except SQLAlchemyError:
        db.session.rollback()
        return _actor()


def _refuse_changes(session: Session, _context, _instances) -> None:
    """The trail is append-only: an update or delete of an audit row through the ORM fails."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("Audit events are append-only.")


def init_app(app: Flask) -> None:
    app.before_request(_note_actor)
    app.after_request(write_events)
    if not event.contains(Session, "before_flush", _refuse_changes):
        event.listen(Session, "before_flush", _refuse_changes)
