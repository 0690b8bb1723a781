"""Contacts the NHS way and group sessions in the funder report, against a history worked by hand.

On top of conftest.py's history (2025-Q2 has 7 contacts, none with a mode or minutes: Ada 3,
Ben 1, Cas 2, Dee 1), this adds, all under the funded "Travel training" unless said:

- Ben: seen by phone for 20 minutes on 15 April, the day of his step: still one contact, and
  its mode is the phone (the first of the day's entries that records one).
- Cas: seen by video for 45 minutes on 2 June: a third contact.
- Dee: did not attend on 10 June: a did-not-attend day.
- Gus: did not attend on 11 June, then seen by text message for 10 minutes later that day:
  that day is a contact, not a did-not-attend.
- A group session on 20 June, 10:00 local, 60 minutes, register saved: Ada and Ben attended
  (face to face, 60 minutes each), Cas did not attend; 4 drop-in attendees not on it.
- A group session on 27 June, register saved: Ada attended (face to face, 60 minutes).
- A "Drop-in" session (not funded) on 21 June with Fin attended: not counted.
- A "Travel training" session on 28 June whose register was never saved: not delivered.

So in 2025-Q2: contacts 12 (Ada 5, Ben 2, Cas 3, Dee 1, Gus 1) — face to face 3 (Ada twice,
Ben), phone 1 (Ben), video 1 (Cas), text message 1 (Gus), other 0, not recorded 6; minutes
20 + 45 + 10 + 3 × 60 = 255; did not attend 2 (Dee 10 June, Cas 20 June) of 14 expected
days: 14.3%; sessions delivered 2; attendances 3; people who attended a session 2; drop-in
attendees 4; did not attend a session 1. In 2025-Q1: two contacts without a mode (Ada's step
in February, Eve on 31 March), no sessions, and the rate withheld: over 2 expected days it
would point at someone.

What a funder sees (app/disclosure.py): every count of 1-4 is "fewer than 5" (face to face,
phone, video and text message too: with "not recorded" 6 and "other" 0 shown beside a total
of 12, the four hidden modes share 6 between them, which no single one can be worked out
from); the minutes stand over 12 days; the rate is hidden: 14.3 % of the 14 expected days is
the 2 did-not-attends that are hidden (and the rate withheld over fewer than 5 would
say no more); sessions delivered identify nobody and are shown.
"""

import csv
import io
import uuid
from datetime import date, time

import pytest

from app.disclosure import FEWER, HIDDEN, RATE_HIDDEN, WITHHELD
from app.entries import contact_figures as figures
from app.entries.scoped import Scope
from app.extensions import db
from app.local_time import day_bounds
from app.reports import periods
from app.reports.report import build
from tests.fixtures.clock import at
from tests.fixtures.factories import make_entry, make_group_session

TRUE_Q2 = {
    "Contacts: Face to face": 3,
    "Contacts: Phone": 1,
    "Contacts: Video": 1,
    "Contacts: Text message": 1,
    "Contacts: Other": 0,
    "Contacts: Not recorded": 6,
    "Minutes of contact": 255,
    "Did not attend": 2,
    "Did-not-attend rate (%)": 14.3,
    "Group sessions delivered": 2,
    "Group session attendances": 3,
    "People who attended a group session": 2,
    "Drop-in attendees not on a register": 4,
    "Did not attend a group session": 1,
}
SHOWN_Q2 = {
    label: FEWER if isinstance(n, int) and 0 < n < 5 and label != "Group sessions delivered" else n
    for label, n in TRUE_Q2.items()
} | {"Did-not-attend rate (%)": HIDDEN}


@pytest.fixture
def nhs_history(history):
    p, staff, funded = history.people, history.staff, history.funded

    def entry(person, kind, when, **fields):
        fields.setdefault("activity_id", funded.id)
        return make_entry(person, staff, kind, at(when), **fields)

    def session(activity, day, members, saved=True, **fields):
        return make_group_session(
            activity,
            staff,
            members,
            held_on=day,
            starts_at=time(10),
            minutes=60,
            register_id=uuid.uuid4() if saved else None,
            **fields,
        )

    entry(p["Ben"], "seen", "2025-04-15T14:00", mode="phone", minutes=20)
    entry(p["Cas"], "seen", "2025-06-02T10:00", mode="video", minutes=45)
    entry(p["Dee"], "dna", "2025-06-10T10:00")
    entry(p["Gus"], "dna", "2025-06-11T09:00")
    entry(p["Gus"], "seen", "2025-06-11T15:00", mode="text", minutes=10)
    first = session(funded, date(2025, 6, 20), [p["Ada"], p["Ben"], p["Cas"]])
    first.anonymous_attendees = 4
    for name in ("Ada", "Ben"):
        entry(
            p[name],
            "seen",
            "2025-06-20T09:00",
            mode="face_to_face",
            minutes=60,
            session_id=first.id,
        )
    entry(p["Cas"], "dna", "2025-06-20T09:00", session_id=first.id)
    second = session(funded, date(2025, 6, 27), [p["Ada"]])
    entry(
        p["Ada"], "seen", "2025-06-27T09:00", mode="face_to_face", minutes=60, session_id=second.id
    )
    other = session(history.other_activity, date(2025, 6, 21), [p["Fin"]])
    entry(
        p["Fin"],
        "seen",
        "2025-06-21T09:00",
        mode="face_to_face",
        minutes=60,
        session_id=other.id,
        activity_id=history.other_activity.id,
    )
    session(funded, date(2025, 6, 28), [p["Ada"]], saved=False)
    db.session.commit()
    return history


def _bounds(code: str):
    period = periods.parse(code)
    return day_bounds(period.first, period.last)


def test_contacts_are_counted_once_a_day_by_how_they_happened(nhs_history):
    scope = Scope.for_funder(nhs_history.funder)
    q2 = _bounds("2025-Q2")
    found = figures.contact_figures(scope, *q2)
    assert found.by_mode == {
        "Face to face": 3,
        "Phone": 1,
        "Video": 1,
        "Text message": 1,
        "Other": 0,
        "Not recorded": 6,
    }
    assert found.minutes == 255
    assert (found.did_not_attend, found.expected) == (2, 14)


def test_group_sessions_count_once_and_attendances_once_a_person(nhs_history):
    scope = Scope.for_funder(nhs_history.funder)
    q2 = _bounds("2025-Q2")
    assert figures.sessions_delivered(scope, *q2) == 2
    assert figures.attendances(scope, *q2) == 3
    assert figures.unique_attendees(scope, *q2) == 2
    assert figures.anonymous_attendees(scope, *q2) == 4
    assert figures.session_did_not_attend(scope, *q2) == 1


def test_the_whole_organisation_counts_the_unfunded_session_too(nhs_history):
    scope = Scope(nhs_history.org.id)
    q2 = _bounds("2025-Q2")
    assert figures.sessions_delivered(scope, *q2) == 3
    assert figures.attendances(scope, *q2) == 4


def test_the_report_and_its_csv_show_the_section(client, auth, nhs_history):
    report = build(nhs_history.funder, periods.parse("2025-Q2"))
    [section] = [b for b in report.breakdowns if b.title == "Contacts and group sessions"]
    assert {label: now[0].value for label, now, _ in section.rows} == TRUE_Q2
    assert {label: now[0].text for label, now, _ in section.rows} == {
        k: str(v) for k, v in SHOWN_Q2.items()
    }
    before = {label: earlier[0].text for label, _, earlier in section.rows}
    assert before["Contacts: Not recorded"] == FEWER
    assert before["Did-not-attend rate (%)"] == WITHHELD
    assert before["Group sessions delivered"] == "0"

    auth.sign_in(nhs_history.supervisor)
    fid = nhs_history.funder.id
    body = client.get(f"/reports/{fid}/report.csv?period=2025-Q2").get_data(as_text=True)
    rows = [r for r in csv.reader(io.StringIO(body)) if r[0] == "Contacts and group sessions"]
    # A spreadsheet cell holds the number, or nothing when it is hidden (the note says why).
    assert {r[1]: r[3] for r in rows} == {
        k: "" if v in (FEWER, HIDDEN) else str(v) for k, v in SHOWN_Q2.items()
    }
    notes = {r[1]: r[6] for r in rows if r[3] == ""}
    assert f"This period: {RATE_HIDDEN}" in notes.pop("Did-not-attend rate (%)")
    assert all("fewer than 5 people" in note for note in notes.values())
    page = client.get(f"/reports/{fid}?period=2025-Q2").get_data(as_text=True)
    assert "Contacts and group sessions" in page and "Did-not-attend rate (%)" in page


def test_a_rate_over_fewer_than_five_expected_contacts_is_withheld(history):
    p, staff = history.people, history.staff
    make_entry(p["Ben"], staff, "dna", at("2025-08-01T10:00"), activity_id=history.funded.id)
    db.session.commit()
    report = build(history.funder, periods.parse("2025-Q3"))
    [section] = [b for b in report.breakdowns if b.title == "Contacts and group sessions"]
    values = {label: now[0] for label, now, _ in section.rows}
    # Eve's 1 July contact and Ben's did-not-attend: 2 expected days, too few for a rate.
    assert values["Did not attend"].value == 1 and values["Did not attend"].text == FEWER
    assert values["Did-not-attend rate (%)"].text == WITHHELD
