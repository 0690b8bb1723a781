"""The demo's referral side: the form open at /refer/demo, new referrals, a waiting list with
one person past the target, and discharges with reasons."""

from sqlalchemy import select

from app.demo import load_demo
from app.extensions import db
from app.local_time import local_today
from app.models import Person, Referral, caseload
from app.referrals import waiting


def test_the_demo_has_referrals_a_waiting_list_and_discharges(client, app):
    org = load_demo()
    page = client.get("/refer/demo")
    assert page.status_code == 200 and "Send referral" in page.get_data(as_text=True)
    new = db.session.scalars(
        select(Referral).where(Referral.organisation_id == org.id, Referral.status == "new")
    ).all()
    assert len(new) >= 3
    statuses = set(db.session.scalars(select(Referral.status)))
    assert statuses == {"new", "accepted", "declined", "referred_on"}
    listed = waiting.waiting_list(org, local_today())
    assert len(listed) >= 3 and [w.days for w in listed] == sorted(
        (w.days for w in listed), reverse=True
    )
    assert len([w for w in listed if w.past_target]) == 1
    closed = db.session.scalars(
        select(Person).where(Person.organisation_id == org.id, Person.status == "closed")
    ).all()
    assert closed and all(p.discharge_reason for p in closed)


def test_each_demo_worker_still_has_at_least_ten_open_people(app):
    load_demo()
    for email in ("worker@example.org", "worker2@example.org"):
        from app.models import User

        worker = db.session.scalar(select(User).where(User.email == email))
        open_people = db.session.scalars(
            select(Person.id)
            .join(caseload, caseload.c.person_id == Person.id)
            .where(caseload.c.user_id == worker.id, Person.status != "closed")
        ).all()
        assert len(open_people) >= 10
