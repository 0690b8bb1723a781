"""The demo's referrals: an open form at /refer/demo, new referrals, a waiting list with one
person past the target, decisions of every kind, and discharges with reasons."""

import random
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Entry, Organisation, Person, Referral, User
from app.models.clock import utcnow

NEW = [
    (
        "Callum R.",
        "gp",
        "Dr Okafor",
        "Riverside Surgery",
        "GP",
        "Low mood since losing his job; rarely leaves the flat.",
    ),
    ("Maya T.", "self", "Maya T.", "", "", "I would like help to get out more."),
    (
        "Bronwen E.",
        "cmht",
        "Lee Harper",
        "North CMHT",
        "Care coordinator",
        "Recently discharged from the ward; wants support to reconnect with the community.",
    ),
]
# (name, days ago referred, key worker index or None): the first is past the 28-day target.
WAITING = [("Dario F.", 41, 0), ("Hana K.", 12, 1), ("Ilse M.", 6, None), ("Josh P.", 2, None)]
SOURCES = ["gp", "cmht", "social_prescribing", "self", "other"]
# Decided without joining: (name, source, days ago referred, decision, its note, referrer,
# days ago decided).
DECIDED = [
    (
        "Quentin L.",
        "gp",
        20,
        "declined",
        "Needs a specialist eating-disorder service; GP advised.",
        "Dr Okafor",
        18,
    ),
    (
        "Ruth S.",
        "social_prescribing",
        15,
        "referred_on",
        "Citizens Advice (debt advice)",
        "Asha Link",
        14,
    ),
]


def load(org: Organisation, rng: random.Random) -> None:
    """Add the referral side of the demo to `org` (whose people and history already exist)."""
    org.slug = "demo"
    org.referrals_open = True
    org.referral_intro = (
        "Refer someone (or yourself) for outreach support. We reply within five working days."
    )
    org.waiting_target_days = 28
    now = utcnow()
    supervisor = db.session.scalar(
        select(User).where(User.organisation_id == org.id, User.role == "supervisor")
    )
    workers = list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == org.id, User.role == "worker")
            .order_by(User.id)
        )
    )
    n = iter(range(1, 1000))

    def referral(name, source, received_at, **fields) -> Referral:
        row = Referral(
            organisation_id=org.id,
            reference=f"R-DEMO{next(n):02d}",
            name=name,
            contact=fields.pop("contact", "07700 900" + str(rng.randint(100, 999))),
            reason=fields.pop("reason", "Isolated at home; would like support to get out."),
            source=source,
            consent=True,
            received_at=received_at,
            **fields,
        )
        db.session.add(row)
        return row

    # The existing people each came in through a referral a few days before their first visit.
    firsts = (
        select(Entry.person_id, func.min(Entry.recorded_at).label("first"))
        .where(Entry.organisation_id == org.id)
        .group_by(Entry.person_id)
        .subquery()
    )
    first_visits = db.session.execute(
        select(Person, firsts.c.first)
        .join(firsts, firsts.c.person_id == Person.id)
        .order_by(Person.id)
    ).all()
    # Each waited a different number of days (so one more referral always moves the median).
    waits = rng.sample(range(2, 2 + max(len(first_visits), 29)), k=len(first_visits))
    for i, ((person, first), days) in enumerate(zip(first_visits, waits, strict=True)):
        referral(
            person.display_name,
            SOURCES[i % len(SOURCES)],
            first - timedelta(days=days),
            status="accepted",
            person_id=person.id,
            referrer_name="Self" if SOURCES[i % len(SOURCES)] == "self" else "A partner",
            decided_by_id=supervisor.id,
            decided_at=first - timedelta(days=1),
        )
    for name, days, worker in WAITING:
        person = Person(
            organisation_id=org.id,
            display_name=name,
            reference=f"DRC-W{next(n):02d}",
            status="waiting",
            demographics={},
        )
        if worker is not None:
            person.key_workers = [workers[worker]]
        db.session.add(person)
        db.session.flush()
        referral(
            name,
            rng.choice(SOURCES),
            now - timedelta(days=days, hours=2),
            status="accepted",
            person_id=person.id,
            referrer_name="A partner",
            decided_by_id=supervisor.id,
            decided_at=now - timedelta(days=days - 1),
        )
    for name, source, days, status, note, referrer, decided_days in DECIDED:
        referral(
            name,
            source,
            now - timedelta(days=days),
            status=status,
            decision_note=note,
            referrer_name=referrer,
            decided_by_id=supervisor.id,
            decided_at=now - timedelta(days=decided_days),
        )
    for i, (name, source, who, where, role, reason) in enumerate(NEW):
        referral(
            name,
            source,
            now - timedelta(days=2 - i, hours=3),
            reason=reason,
            referrer_name=who,
            referrer_organisation=where,
            referrer_role=role,
            referrer_email=f"referrer{i + 1}@example.org" if source != "self" else "",
        )
    # Two people's time with the service ended this week, for different reasons.
    closing = [p for p, _ in first_visits[-2:]]
    for person, reason, summary in zip(
        closing,
        ["goals_met", "moved_away"],
        ["Travels to the centre alone each week now.", "Moved to be near family."],
        strict=True,
    ):
        person.status = "closed"
        person.closed_on = (now - timedelta(days=3)).date()
        person.discharge_reason = reason
        person.discharge_summary = summary
