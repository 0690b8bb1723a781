"""A small, hand-built history for funder reports, with every awkward case in it.

The report period in these tests is 2025-Q2 (1 April to 30 June 2025, Europe/London, which
is UTC+1 then); the previous period is 2025-Q1. Worked out by hand, for the funder (activity
"Travel training", outcome "Getting about"):

- Ada: a step on rung 1 in February (before the period); rung 2 at 00:30 local on 1 April
  (23:30 UTC on 31 March: inside); rung 4 in May; a setback in May.  Climbed 1 -> 4 = 3.
- Ben: one step on rung 1 in April, his first ever entry, and "seen today" that afternoon.
  New; a single step, 0 climbed; one visit, so one contact.
- Cas: "seen" at 00:30 local on 20 April (23:30 UTC on the 19th) and rung 1 at 11:00 local the
  same day; rung 3 in May, corrected to rung 2.  New; climbed 1 -> 2 = 1; two visits (one
  local day in April, whatever the UTC dates say, and one in May).
- Dee: a step on rung 2 in May, voided; seen in May.  New; no steps; one contact.
- Eve: seen at 23:30 local on 31 March (Q1) and at 00:30 local on 1 July (Q3): never in Q2.
- Fin: seen in May under "Drop-in", an activity the funder does not fund: not counted.
- Gus: only a note in May.  Supported and new, but a note is not a contact.
- Hilltop (another organisation): a step and a contact in May: never counted.

So in 2025-Q2: people supported 5 (Ada, Ben, Cas, Dee, Gus); new people 4 (Ben, Cas, Dee,
Gus); contacts (visits: one person on one local day) 7 (Ada 3, Ben 1, Cas 2, Dee 1), where
counting every entry but notes would say 9; climbed at least 1 rung: 2 (Ada, Cas); at
least 2 rungs: 1 (Ada); reached rung 2 or higher: 2 (Ada, Cas); average rungs climbed
(3 + 0 + 1) / 3 = 1.33 with 1 person on a single step; people with a setback 1 (Ada).
In 2025-Q1: people supported 2 (Ada, Eve).
"""

import pytest

from app.extensions import db
from app.models import Funder, Indicator, Rung
from tests.fixtures.clock import at
from tests.fixtures.factories import make_activity, make_entry, make_outcome, make_person, make_user
from tests.fixtures.report_history import ReportHistory


@pytest.fixture
def history(w):
    org = w.org
    outcome = make_outcome(org, "Getting about", ("One", "Two", "Three", "Four", "Five"))
    r1, r2, r3, r4, r5 = outcome.rungs
    funded = make_activity(org, "Travel training", [outcome])
    other = make_activity(org, "Drop-in", [outcome])
    worker = make_user(org, "worker", name="Sam Carter")
    org.demographic_fields = "gender"
    people = {}
    for name, gender in [
        ("Ada Lovelace", "Woman"),
        ("Ben", "Man"),
        ("Cas", "Woman"),
        ("Dee", "Woman"),
        ("Eve", "Woman"),
        ("Fin", "Man"),
        ("Gus", "Man"),
    ]:
        people[name.split()[0]] = make_person(
            org,
            [worker],
            [outcome],
            display_name=name,
            demographics={"gender": gender},
            consent_scope="records,stories" if name in ("Ada Lovelace", "Gus") else "records",
        )
    p = people

    def entry(person, kind, when, **fields):
        fields.setdefault("activity_id", funded.id)
        return make_entry(person, worker, kind, at(when), **fields)

    entry(p["Ada"], "step", "2025-02-10T10:00", rung=r1, rung_id=r1.id)
    entry(p["Ada"], "step", "2025-03-31T23:30", rung=r2, rung_id=r2.id)
    entry(
        p["Ada"],
        "step",
        "2025-05-10T10:00",
        rung=r4,
        rung_id=r4.id,
        note="Ada Lovelace told Sam she felt proud on the bus.",
        shareable=True,
    )
    entry(p["Ada"], "setback", "2025-05-20T10:00", outcome_id=outcome.id)
    entry(p["Ben"], "step", "2025-04-15T10:00", rung=r1, rung_id=r1.id)
    entry(p["Ben"], "seen", "2025-04-15T14:00")
    entry(p["Cas"], "seen", "2025-04-19T23:30")
    entry(p["Cas"], "step", "2025-04-20T10:00", rung=r1, rung_id=r1.id)
    wrong = entry(p["Cas"], "step", "2025-05-01T10:00", rung=r3, rung_id=r3.id)
    entry(
        p["Cas"],
        "step",
        "2025-05-01T10:00",
        rung=r2,
        rung_id=r2.id,
        amends_id=wrong.id,
        reason="Wrong rung",
    )
    mistake = entry(p["Dee"], "step", "2025-05-05T10:00", rung=r2, rung_id=r2.id)
    entry(
        p["Dee"],
        "void",
        "2025-05-05T10:05",
        amends_id=mistake.id,
        reason="Tapped by mistake",
        activity_id=None,
    )
    entry(p["Dee"], "seen", "2025-05-06T10:00")
    entry(p["Eve"], "seen", "2025-03-31T22:30")
    entry(p["Eve"], "seen", "2025-06-30T23:30")
    entry(p["Fin"], "seen", "2025-05-01T10:00", activity_id=other.id)
    entry(p["Gus"], "note", "2025-05-02T10:00", note="Gus baked bread.", shareable=False)
    hilltop_rung = w.other_outcome.rungs[0]
    make_entry(
        w.other_person,
        w.other_worker,
        "step",
        at("2025-05-03T10:00"),
        rung=hilltop_rung,
        rung_id=hilltop_rung.id,
        activity_id=w.other_activity.id,
    )
    make_entry(
        w.other_person,
        w.other_worker,
        "seen",
        at("2025-05-04T10:00"),
        activity_id=w.other_activity.id,
    )
    funder = Funder(
        organisation_id=org.id, name="City Fund", activities=[funded], outcomes=[outcome]
    )
    db.session.add(funder)
    db.session.flush()
    r5.retired = True

    def indicator(kind, label, target=None, **params):
        row = Indicator(
            organisation_id=org.id,
            funder_id=funder.id,
            kind=kind,
            label=label,
            params=params,
            target=target,
            position=len(funder.indicators) + 1,
        )
        db.session.add(row)
        db.session.flush()
        return row

    indicators = {
        "people_supported": indicator("people_supported", "People supported", target=4),
        "new_people": indicator("new_people", "New people"),
        "contacts": indicator("contacts", "Contacts", target=10),
        "climbed_1": indicator("climbed", "Climbed a rung", outcome_id=outcome.id, rungs=1),
        "climbed_2": indicator("climbed", "Climbed two rungs", outcome_id=outcome.id, rungs=2),
        "reached": indicator("reached_rung", "Left home", rung_id=r2.id),
        "average": indicator("average_climbed", "Distance travelled", outcome_id=outcome.id),
        "setback": indicator("setback", "Setbacks", outcome_id=outcome.id),
    }
    db.session.commit()
    db.session.refresh(funder)
    return ReportHistory(
        **{**vars(w), "outcome": outcome, "other_activity": other},
        funder=funder,
        funded=funded,
        rungs=[r1, r2, r3, r4, r5],
        people=people,
        indicators=indicators,
        staff=worker,
        retired_rung=db.session.get(Rung, r5.id),
    )
