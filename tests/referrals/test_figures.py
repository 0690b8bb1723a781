"""Referral figures against a hand-worked oracle.

The period is January 2026 (Europe/London is UTC then, so local days are UTC days). Each
referral, worked out by hand (received, decided, first effective contact after it):

- A  GP      received 2 Jan, accepted 3 Jan, a note about them on 3 Jan (not a contact),
             first seen 5 Jan                                             -> 3 days
- B  GP      received 4 Jan 09:00, accepted 5 Jan, seen 4 Jan 15:00      -> 0 days
- C  self    received 10 Jan, accepted 10 Jan; seen 20 Jan but that entry was voided,
             seen again 22 Jan                                            -> 12 days
- D  CMHT    received 12 Jan, accepted 13 Jan, first seen 3 Feb (after the period): not in
             January's days; waiting at the end of January
- E  CMHT    received 15 Jan, accepted 16 Jan, did not attend on 18 Jan and has a note on
             19 Jan, never seen (neither is a contact): waiting at the end of January
- F  social prescribing, received 20 Jan, accepted 20 Jan, did not attend 20 Jan,
             seen 21 Jan                                                  -> 1 day
- G  other   received 25 Jan, declined 26 Jan
- H  GP      received 28 Jan, referred on 2 Feb (a February decision)
- I  GP      received 20 Dec 2025, accepted 21 Dec, seen 8 Jan: a December referral, so
             neither in January's received, decisions nor days; not waiting at the end
- J  self    received 5 Jan, accepted 6 Jan, seen 9 Jan                   -> 4 days;
             closed 30 Jan, goals met
- Hilltop (another organisation): a GP referral on 3 Jan, accepted and never seen.
- Closed without a referral: K on 31 Jan (moved away), M on 15 Jan (no reason), L on 1 Feb.

So in January 2026: received GP 3 (A, B, H), self 2 (C, J), CMHT 2 (D, E), social
prescribing 1 (F), other 1 (G); decisions accepted 7 (A B C D E F J), declined 1 (G),
referred on 0; days to first contact [0, 1, 3, 4, 12], median 3, 90th percentile (nearest
rank, the 5th of 5) 12; waiting at the end 2 (D, E); discharges goals met 1, moved away 1,
not recorded 1.
"""

import csv
import io
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import Funder, Indicator
from app.referrals import figures
from app.reports.periods import month
from tests.fixtures.factories import make_entry, make_person
from tests.fixtures.referrals import make_referral

JANUARY = month(date(2026, 1, 1))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def referrals(w):
    org, worker = w.org, w.worker

    def referred(code, source, received, decided, status="accepted", seen=(), **fields):
        person = None
        if status == "accepted":
            person = make_person(org, [worker], display_name=code, reference=f"P-{code}")
            for when in seen:
                make_entry(person, worker, "seen", at(when))
        make_referral(
            org,
            name=code,
            reference=f"R-{code}",
            source=source,
            received_at=at(received),
            decided_at=at(decided),
            status=status,
            person_id=person.id if person else None,
            **fields,
        )
        return person

    a = referred("A", "gp", "2026-01-02 10:00", "2026-01-03 10:00", seen=["2026-01-05 11:00"])
    make_entry(a, worker, "note", at("2026-01-03 12:00"), note="Phoned the GP surgery")
    referred("B", "gp", "2026-01-04 09:00", "2026-01-05 10:00", seen=["2026-01-04 15:00"])
    c = referred("C", "self", "2026-01-10 09:00", "2026-01-10 12:00")
    voided = make_entry(c, worker, "seen", at("2026-01-20 10:00"))
    make_entry(c, worker, "void", at("2026-01-20 11:00"), amends_id=voided.id, reason="wrong")
    make_entry(c, worker, "seen", at("2026-01-22 10:00"))
    referred("D", "cmht", "2026-01-12 09:00", "2026-01-13 09:00", seen=["2026-02-03 10:00"])
    e = referred("E", "cmht", "2026-01-15 09:00", "2026-01-16 09:00")
    make_entry(e, worker, "dna", at("2026-01-18 10:00"))
    make_entry(e, worker, "note", at("2026-01-19 10:00"), note="Left a card")
    f = referred(
        "F", "social_prescribing", "2026-01-20 08:00", "2026-01-20 09:00", seen=["2026-01-21 10:00"]
    )
    make_entry(f, worker, "dna", at("2026-01-20 15:00"))
    referred("G", "other", "2026-01-25 09:00", "2026-01-26 09:00", status="declined")
    referred("H", "gp", "2026-01-28 09:00", "2026-02-02 09:00", status="referred_on")
    referred("I", "gp", "2025-12-20 09:00", "2025-12-21 09:00", seen=["2026-01-08 10:00"])
    j = referred("J", "self", "2026-01-05 09:00", "2026-01-06 09:00", seen=["2026-01-09 10:00"])
    j.status, j.closed_on, j.discharge_reason = "closed", date(2026, 1, 30), "goals_met"
    for code, closed_on, reason in [
        ("K", date(2026, 1, 31), "moved_away"),
        ("M", date(2026, 1, 15), None),
        ("L", date(2026, 2, 1), "died"),
    ]:
        make_person(
            org,
            status="closed",
            closed_on=closed_on,
            discharge_reason=reason,
            display_name=code,
            reference=f"P-{code}",
        )
    theirs = make_person(w.other, display_name="Z", reference="P-Z")
    make_referral(
        w.other,
        name="Z",
        reference="R-Z",
        source="gp",
        received_at=at("2026-01-03 09:00"),
        decided_at=at("2026-01-03 10:00"),
        status="accepted",
        person_id=theirs.id,
    )
    db.session.commit()
    return org


def test_referrals_received_by_source(referrals):
    assert figures.received_by_source(referrals, JANUARY) == {
        "Self-referral": 2,
        "GP": 3,
        "Community mental health team": 2,
        "Social prescribing link worker": 1,
        "Another organisation": 1,
    }


def test_decisions_are_counted_on_the_day_they_were_made(referrals):
    assert figures.decisions(referrals, JANUARY) == {
        "accepted": 7,
        "declined": 1,
        "referred_on": 0,
    }


def test_days_from_referral_to_first_contact(referrals):
    days = figures.days_to_first_contact(referrals, JANUARY)
    assert days == [0, 1, 3, 4, 12]
    assert figures.median(days) == 3
    assert figures.percentile_90(days) == 12


def test_people_waiting_at_the_end_of_the_period(referrals):
    assert figures.waiting_at_end(referrals, JANUARY) == 2
    # At the end of February D has been seen; E still waits.
    assert figures.waiting_at_end(referrals, month(date(2026, 2, 1))) == 1


def test_discharges_by_reason(referrals):
    assert figures.discharges_by_reason(referrals, JANUARY) == {
        "Goals met": 1,
        "Moved away": 1,
        "Disengaged": 0,
        "Referred on": 0,
        "Died": 0,
        "Other": 0,
        "Not recorded": 1,
    }


@pytest.mark.parametrize(
    "values, median, p90",
    [([], None, None), ([7], 7, 7), ([1, 2], 1.5, 2), (list(range(1, 11)), 5.5, 9)],
)
def test_median_and_nearest_rank_percentile(values, median, p90):
    assert figures.median(values) == median
    assert figures.percentile_90(values) == p90


def test_the_funder_report_has_the_referral_tables_with_small_numbers_hidden(
    client, auth, w, referrals
):
    funder = Funder(organisation_id=w.org.id, name="Trust", activities=[w.activity])
    funder.indicators = [
        Indicator(organisation_id=w.org.id, kind="people_supported", label="People supported")
    ]
    db.session.add(funder)
    db.session.commit()
    auth.sign_in(w.supervisor)
    csv_text = client.get(f"/reports/{funder.id}/report.csv?period=2026-01").get_data(as_text=True)
    rows = {
        (r["Section"], r["Item"]): (r["This period"], r["Previous period"], r["Note"])
        for r in csv.DictReader(io.StringIO(csv_text))
    }
    # December (the previous period) had 1 GP referral, and 1 waiting at its end: a spreadsheet
    # cell holds no number for them, and the note says why (app/disclosure.py).
    now, before, note = rows["Referrals received, by source", "GP"]
    assert (now, before) == ("", "") and "fewer than 5 people" in note
    now, before, _ = rows["From referral to first contact", "Median days to first contact"]
    assert (now, before) == ("3", "")  # nobody was contacted after a referral in December
    now, before, _ = rows["From referral to first contact", "90th percentile days to first contact"]
    assert (now, before) == ("12", "")
    now, before, note = rows["Waiting list", "People waiting at the end of the period"]
    assert (now, before) == ("", "") and "fewer than 5 people" in note
    page = client.get(f"/reports/{funder.id}?period=2026-01").get_data(as_text=True)
    assert "Discharges, by reason" in page and "Median days to first contact" in page
