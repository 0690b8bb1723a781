"""The demo shows group sessions, contact modes and minutes, and next visits (some overdue)."""

from sqlalchemy import func, select

from app.extensions import db
from app.local_time import local_today
from app.models import Entry, GroupSession, NextVisit, Organisation
from app.visits import queries as visits


def test_the_demo_has_drop_in_registers_modes_minutes_and_next_visits(runner, app):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Demo Recovery Centre"))
    today = local_today()
    sessions = list(db.session.scalars(select(GroupSession).order_by(GroupSession.held_on)))
    assert len(sessions) >= 5
    assert {s.activity.name for s in sessions} == {"Drop-in group"}
    assert all(s.held_on < today and len(s.members) >= 4 for s in sessions)
    saved = [s for s in sessions if s.register_id]
    assert len(saved) == len(sessions) - 1  # one register overdue
    kinds = dict(
        db.session.execute(
            select(Entry.kind, func.count())
            .where(Entry.session_id.is_not(None))
            .group_by(Entry.kind)
        ).all()
    )
    assert kinds["seen"] > kinds["dna"] > 0
    assert kinds["seen"] + kinds["dna"] == sum(len(s.members) for s in saved)
    modes = set(db.session.scalars(select(Entry.mode).where(Entry.mode.is_not(None)).distinct()))
    assert {"face_to_face", "phone"} <= modes
    assert db.session.scalar(select(func.sum(Entry.minutes))) > 0
    assert db.session.scalar(select(func.count()).where(NextVisit.due_on == today)) >= 2
    assert len(visits.overdue(org.id, today)) >= 2
