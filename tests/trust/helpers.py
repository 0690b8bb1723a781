"""Small helpers the trust tests share."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent


def count(model_or_table) -> int:
    """How many rows a model's (or a table's) table holds."""
    table = getattr(model_or_table, "__table__", model_or_table)
    return db.session.scalar(select(func.count()).select_from(table))


def all_row_counts(skip=("audit_event", "user_session")) -> dict:
    """Row counts of every table but the audit trail and sessions (which a refusal may write)."""
    return {t.name: count(t) for t in db.metadata.sorted_tables if t.name not in skip}


def audit_events(**where) -> list[AuditEvent]:
    """Audit rows matching the given column values, oldest first."""
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))
