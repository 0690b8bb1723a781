"""Everything held about one person, gathered from every table that refers to them.

The tables are found from the schema itself (every foreign key to person.id), so a table
added later is included without anyone remembering to add it here.
"""

import uuid
from datetime import date, datetime

from sqlalchemy import Table, select

from app.extensions import db
from app.models import AuditEvent, Entry, Organisation, Person
from app.models.clock import utcnow


def tables_referencing_person() -> list[tuple[Table, list]]:
    """Each table with a foreign key to person.id, with the columns that hold it."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [
            fk.parent
            for fk in table.foreign_keys
            if fk.column.table.name == "person" and fk.column.name == "id"
        ]
        if columns:
            found.append((table, columns))
    return found


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(mapping) -> dict:
    return {key: _plain(value) for key, value in mapping.items()}


def collect(person: Person) -> dict:
    """The subject-access record: the person's row, every referring table's rows, the access log."""
    person_table = Person.__table__
    record = {
        "generated_at": _plain(utcnow()),
        "organisation": db.session.get(Organisation, person.organisation_id).name,
        "person": _row(
            db.session.execute(select(person_table).where(person_table.c.id == person.id))
            .mappings()
            .one()
        ),
        "key_workers": [u.name for u in person.key_workers],
    }
    for table, columns in tables_referencing_person():
        condition = columns[0] == person.id
        for column in columns[1:]:
            condition = condition | (column == person.id)
        rows = db.session.execute(select(table).where(condition)).mappings().all()
        record[table.name] = [_row(r) for r in rows]
    names = _entry_names(person.id)
    for row in record.get("entry", []):
        row.update(names.get(row["id"], {}))
    record["entry"] = sorted(record.get("entry", []), key=lambda r: r["recorded_at"])
    # Who looked at or changed this record: part of what is held about the person.
    record["audit_event"] = [
        dict(at=_plain(e.at), user=e.user.name if e.user else "", action=e.action, target=e.target)
        for e in db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.organisation_id == person.organisation_id,
                AuditEvent.target == f"person:{person.id}",
            )
            .order_by(AuditEvent.at)
        )
    ]
    return record


def _entry_names(person_id: int) -> dict:
    """Readable names for each entry's outcome, step, activity and worker."""
    names = {}
    for e in db.session.scalars(select(Entry).where(Entry.person_id == person_id)):
        names[str(e.id)] = dict(
            outcome_name=e.outcome.name if e.outcome else "",
            rung_text=e.rung.text if e.rung else "",
            activity_name=e.activity.name if e.activity else "",
            worker_name=e.worker.name,
        )
    return names
