"""Set-up changes go on the audit trail: who changed which row, and what."""

from flask import request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent


def record_change(action: str, target: str, detail: str = "") -> None:
    """Add an audit event for a set-up change; it is committed with the change itself."""
    db.session.add(
        AuditEvent(
            organisation_id=current_user.organisation_id,
            user_id=current_user.id,
            action=action,
            target=target,
            detail=detail[:2000],
            address=request.remote_addr or "",
        )
    )
