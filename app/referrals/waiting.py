"""The waiting list: accepted people not yet contacted, oldest referral first."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.local_time import to_local
from app.models import Organisation, Person, Referral


@dataclass
class Waiting:
    person: Person
    referred_on: date
    days: int
    past_target: bool


def waiting_list(org: Organisation, today: date) -> list[Waiting]:
    """Everyone waiting, with the date they were referred and how many days they have waited."""
    rows = db.session.execute(
        select(Person, Referral.received_at)
        .join(Referral, Referral.person_id == Person.id)
        .where(Person.organisation_id == org.id, Person.status == "waiting")
        .order_by(Referral.received_at, Person.id)
    ).all()
    result, seen = [], set()
    for person, received_at in rows:
        if person.id in seen:
            continue  # referred twice: the first referral is when the wait began
        seen.add(person.id)
        referred_on = to_local(received_at).date()
        days = (today - referred_on).days
        result.append(Waiting(person, referred_on, days, days > org.waiting_target_days))
    return result


def past_target(org: Organisation, today: date) -> list[Waiting]:
    """People waiting longer than the service's target: they go on the attention list."""
    return [w for w in waiting_list(org, today) if w.past_target]
