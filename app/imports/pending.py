"""An uploaded file between its steps (map columns, check, import), kept on the server.

The rows are kept in the database, not in the browser, so a large file is uploaded once
and any app server can take the next step; a pending import belongs to the admin who
uploaded it, is removed once imported, and expires after a day.
"""

import secrets
from datetime import timedelta

from flask import abort
from flask_login import current_user
from sqlalchemy import delete

from app.extensions import db
from app.models import PendingImport
from app.models.clock import utcnow

LIFETIME = timedelta(days=1)


def purge_expired() -> None:
    """Delete every pending import past its lifetime (the caller commits)."""
    # Rows may hold people's names; they go as soon as anyone touches an import, not only
    # at the next upload.
    db.session.execute(delete(PendingImport).where(PendingImport.created_at < utcnow() - LIFETIME))


def purge_organisation(organisation_id: int) -> None:
    """Delete every pending import of an organisation (the caller commits)."""
    db.session.execute(
        delete(PendingImport).where(PendingImport.organisation_id == organisation_id)
    )


def save(filename: str, headers: list[str], rows: list[list[str]]) -> str:
    """Keep the file's rows for the signed-in admin; returns the token that names them."""
    purge_expired()
    token = secrets.token_urlsafe(18)
    db.session.add(
        PendingImport(
            token=token,
            organisation_id=current_user.organisation_id,
            user_id=current_user.id,
            filename=filename[:255],
            headers=headers,
            rows=rows,
        )
    )
    db.session.commit()
    return token


def load(token: str) -> dict:
    """The pending import with this token, if the signed-in admin uploaded it; 404 otherwise."""
    purge_expired()
    db.session.commit()
    pending = db.session.get(PendingImport, token[:40])
    if (
        pending is None
        or pending.organisation_id != current_user.organisation_id
        or pending.user_id != current_user.id
        or pending.created_at < utcnow() - LIFETIME
    ):
        abort(404)
    return dict(
        organisation_id=pending.organisation_id,
        user_id=pending.user_id,
        filename=pending.filename,
        headers=pending.headers,
        rows=pending.rows,
    )


def discard(token: str) -> None:
    """Delete one pending import once it has been imported."""
    db.session.execute(delete(PendingImport).where(PendingImport.token == token))
    db.session.commit()
