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


MISSING_ID = 999_999


def fill_rule(rule, org_id: int, prefer: dict | None = None) -> str | None:
    """A URL for `rule` with each id taken from a real row of the organisation.

    `prefer` maps an argument name to a value to use instead. An id with no row in the
    organisation becomes MISSING_ID.
    """
    from app.models import Entry

    values = {}
    for arg in rule.arguments:
        if prefer and arg in prefer:
            values[arg] = prefer[arg]
            continue
        table = db.metadata.tables.get(arg.removesuffix("_id"))
        converter = type(rule._converters.get(arg)).__name__
        if arg == "entry_id" or converter == "UUIDConverter":
            values[arg] = db.session.scalar(
                select(Entry.id).where(Entry.organisation_id == org_id).limit(1)
            )
        elif table is not None:
            query = select(table.c.id)
            if "organisation_id" in table.c:
                query = query.where(table.c.organisation_id == org_id)
            values[arg] = db.session.scalar(query.order_by(table.c.id).limit(1))
        elif converter == "AnyConverter":
            values[arg] = sorted(rule._converters[arg].items)[0]
        elif converter in ("IntegerConverter", "NumberConverter"):
            values[arg] = 1
        else:
            values[arg] = "x"
        if values[arg] is None:
            values[arg] = MISSING_ID  # no such row: the route must still refuse or 404 cleanly
    return rule.build(values, append_unknown=False)[1]


def app_rules(app) -> list:
    """Every rule of the app but static files, in a stable order."""
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (r.rule, r.endpoint),
    )
