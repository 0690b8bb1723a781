"""PHQ-9 in a funder's report, stored through the app and checked against figures worked by hand.

Riverside switches PHQ-9 on (reviews every 8 weeks, at discharge too); City Fund funds
"Doorstep support"; the report is for 2025-Q2 (1 April to 30 June 2025, Europe/London, UTC+1
then), the previous period 2025-Q1. Every reading is posted to the measure's form as a
worker's phone would post it; one is voided on the entry's change page and one corrected
through the form. Each person is seen under Doorstep support on the day of their first
reading (so City Fund's report covers them), except where said. PHQ-9: lower is better,
reliable change 6, caseness 10. Times are UTC unless "local".

- Ada: 18 on 10 Feb; 8 on 10 May.                          -10  reliably improved; recovered
                                                                (18 at caseness, 8 below), reliably
- Ben: 12 at 00:30 local on 1 April (23:30 UTC on 31 March: inside); 9 on 20 June.
                                                            -3  no reliable change; recovered
- Cas: 20 on 10 Jan; 13 at 00:30 local on 1 April (23:30 UTC on 31 March: a Q2 reading).
                                                            -7  reliably improved; not recovered
- Dee: 8 on 15 April; 15 at 00:30 local on 1 July (23:30 UTC on 30 June: Q3, not Q2).
                                                                a baseline, no pair in Q2
- Eve: 10 on 20 April; 4 on 1 June, voided (tapped for the wrong person). a baseline only
- Fin: 9 on 5 April; 20 on 5 June, corrected to 12.         +3  no reliable change (the
                                                                uncorrected 20 would be +11)
- Jo: 16 on 2 April; 9 on 10 June.                          -7  reliably improved; recovered,
                                                                reliably
- Kit: 11 on 3 April; 11 on 12 June.                         0  no reliable change
- Leo: 15 at 00:30 local on 6 May (23:30 UTC on 5 May), nothing since. a baseline only
- Ivy: 14 on 1 March, never followed up.                        no reading in Q2
- Gus: 18 on 18 April, 6 on 6 June, but seen only under "Drop-in", which City Fund does not
  fund: never counted.
- Hal (Hilltop, another organisation): 20 on 10 April, 5 on 10 June: never counted.

2025-Q2: people with a baseline 9 (Ada Ben Cas Dee Eve Fin Jo Kit Leo); pairs 6 (Ada Ben Cas
Fin Jo Kit). Baselines 18 12 20 9 16 11 (mean 86 / 6 = 14.33), latest 8 9 13 12 9 11 (62 / 6
= 10.33), changes -10 -3 -7 +3 -7 0 (mean -24 / 6 = -4.00). Deviations from the mean -6 1 -3 7
-3 4, squares summing to 120, SD √(120 / 5) = 4.899, SE 4.899 / √6 = 2.000, t(5) = 2.571: 95 %
CI -4 ± 5.142 = (-9.14, 1.14). Reliably improved 3 (Ada Cas Jo), no reliable change 3 (Ben
Fin Kit), deteriorated 0: the two 3s are 1-4 people and hidden (the 0 and the 6 pairs give
only their sum). At caseness at baseline 5 (Ada Ben Cas Jo Kit; Fin's 9 is below):
recovered 3 (Ada Ben Jo) = 60 %, reliably recovered 2 (Ada Jo) = 40 %: both hidden, as
beside the 5 shown each rate is a count of 1-4 people.

Follow-up rate (the first follow-up falls due 8 weeks, 56 days, after the baseline's local
day): due in Q2 for Ada (10 Feb -> 7 Apr), Ben (1 Apr local -> 27 May), Dee (15 Apr ->
10 Jun), Eve (20 Apr -> 15 Jun), Fin (5 Apr -> 31 May), Jo (2 Apr -> 28 May), Kit (3 Apr ->
29 May) and Ivy (1 Mar -> 26 Apr) = 8; not Cas (10 Jan -> 7 Mar) nor Leo (6 May local ->
1 Jul local; by the UTC date it would have been 30 June). Followed up by the period's end:
Ada Ben Fin Jo Kit = 5 (Dee's came in July, Eve's was voided, Ivy never had one): 62.5 %,
hidden: beside the 8 shown it gives away the 3 not followed up.

2025-Q1 (ends 31 March 23:00 UTC): readings of Ada (10 Feb), Cas (10 Jan) and Ivy (1 Mar),
no pairs (Ben's and Cas's 23:30 UTC readings are Q2's): 3 with a baseline, shown as fewer
than 5; Cas's follow-up fell due on 7 March and was not made by the end of Q1: 1 due.
"""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine

from app.extensions import db
from app.models import Funder, MeasurePlan, Person
from app.reports import periods
from app.reports import report as funder_report
from tests.fixtures.factories import make_activity, make_entry, make_person
from tests.fixtures.measures import post_reading as shared_post_reading
from tests.fixtures.measures import readings_elsewhere, removed_by_a_supervisor
from tests.fixtures.web import Auth, RequestClient

# While the readings are posted it is mid-July 2025, so every date above is within the year
# a phone's entry may be dated back.
POSTED_ON = datetime(2025, 7, 15, 11, tzinfo=UTC)

# (name, [(UTC time, score), ...]) for the people City Fund's report covers.
FUNDED = {
    "Ada": [("2025-02-10T10:00", 18), ("2025-05-10T10:00", 8)],
    "Ben": [("2025-03-31T23:30", 12), ("2025-06-20T10:00", 9)],
    "Cas": [("2025-01-10T10:00", 20), ("2025-03-31T23:30", 13)],
    "Dee": [("2025-04-15T10:00", 8), ("2025-06-30T23:30", 15)],
    "Eve": [("2025-04-20T10:00", 10), ("2025-06-01T10:00", 4)],
    "Fin": [("2025-04-05T10:00", 9), ("2025-06-05T10:00", 20)],
    "Jo": [("2025-04-02T10:00", 16), ("2025-06-10T10:00", 9)],
    "Kit": [("2025-04-03T10:00", 11), ("2025-06-12T10:00", 11)],
    "Leo": [("2025-05-05T23:30", 15)],
    "Ivy": [("2025-03-01T10:00", 14)],
}
UNFUNDED = {"Gus": [("2025-04-18T10:00", 18), ("2025-06-06T10:00", 6)]}
HILLTOP = [("2025-04-10T10:00", 20), ("2025-06-10T10:00", 5)]


def answers(score: int) -> dict:
    """PHQ-9 answers adding up to `score` (items 1-8 filled from the top; item 9, the risk
    item, always 0)."""
    values = {}
    for item in range(1, 10):
        values[f"q_{item}"] = str(min(3, score) if item < 9 else 0)
        score -= int(values[f"q_{item}"])
    assert score == 0
    return values


def post_reading(client, token, person, when: str, score: int, **extra):
    """This file's measure, answered to add up to `score`."""
    return shared_post_reading(client, token, person, "phq9", when, answers(score), **extra)


@dataclass
class Oracle:
    """The funder whose PHQ-9 figures are worked out above, its people by first name, and a
    supervisor's client to read the report with."""

    funder: Funder
    people: dict[str, Person]
    reader: RequestClient


@pytest.fixture
def oracle(app, client, auth, w):
    org = w.org
    funded, drop_in = w.activity, make_activity(org, "Drop-in")
    funder = Funder(organisation_id=org.id, name="City Fund", activities=[funded])
    db.session.add(funder)
    for organisation in (org, w.other):
        db.session.add(
            MeasurePlan(organisation_id=organisation.id, measure_key="phq9", every_weeks=8)
        )
    people = {name: make_person(org, [w.worker], display_name=name) for name in FUNDED | UNFUNDED}
    for name, history in (FUNDED | UNFUNDED).items():
        activity = drop_in if name in UNFUNDED else funded
        first = datetime.fromisoformat(history[0][0])
        make_entry(people[name], w.worker, "seen", first, activity_id=activity.id)
    db.session.commit()
    ids = {}
    with time_machine.travel(POSTED_ON, tick=False):
        auth.sign_in(w.worker)
        token = auth.csrf(f"/people/{people['Ada'].id}/measures/phq9")
        for name, history in (FUNDED | UNFUNDED).items():
            for when, score in history:
                ids[name, when] = post_reading(client, token, people[name], when, score)
        # Fin's June answers were entered wrongly: corrected through the same form.
        post_reading(
            client,
            token,
            people["Fin"],
            "2025-06-05T10:00",
            12,
            amends=str(ids["Fin", "2025-06-05T10:00"]),
            reason="Answers entered wrongly",
        )
        readings_elsewhere(app, w, "phq9", HILLTOP, answers)
        # Eve's June reading was someone else's: a supervisor removes it.
        removed_by_a_supervisor(
            app, w, ids["Eve", "2025-06-01T10:00"], "Recorded for the wrong person"
        )
    # The report is read now, by a supervisor signed in now.
    reader = app.test_client()
    Auth(reader).sign_in(w.supervisor)
    return Oracle(funder=db.session.get(Funder, funder.id), people=people, reader=reader)


def measure_rows(oracle) -> dict:
    """Figure -> (this period, previous period, note) in the CSV's PHQ-9 section."""
    funder = oracle.funder
    answer = oracle.reader.get(f"/reports/{funder.id}/report.csv?period=2025-Q2")
    text = answer.get_data(as_text=True)
    return {
        r["Item"]: (r["This period"], r["Previous period"], r["Note"])
        for r in csv.DictReader(io.StringIO(text))
        if r["Section"] == "Measure: PHQ-9"
    }


def test_phq9_figures_in_the_funders_csv_match_the_hand_worked_oracle(oracle):
    rows = measure_rows(oracle)
    shown = {item: now for item, (now, _, _) in rows.items()}
    assert shown["People with a baseline"] == "9"
    assert shown["People with a follow-up (a pair)"] == "6"
    assert shown["People whose follow-up fell due"] == "8"
    assert (
        shown["Follow-up rate (%)"] == ""
        and "give a small count away" in rows["Follow-up rate (%)"][2]
    )
    assert shown["Mean at baseline"] == "14.33"
    assert shown["Mean at latest"] == "10.33"
    assert shown["Mean change"] == "-4"
    assert (shown["Mean change, 95% CI low"], shown["Mean change, 95% CI high"]) == (
        "-9.14",
        "1.14",
    )
    assert shown["Reliably deteriorated"] == "0"
    for hidden in ("Reliably improved", "No reliable change"):
        assert shown[hidden] == "" and "fewer than 5" in rows[hidden][2]
    assert shown["At caseness at baseline"] == "5"
    assert shown["Recovery (%)"] == shown["Reliable recovery (%)"] == ""


def test_the_previous_period_counts_by_local_days_too(oracle):
    rows = measure_rows(oracle)
    assert rows["People with a baseline"][1] == ""
    assert "fewer than 5" in rows["People with a baseline"][2]
    assert rows["People with a follow-up (a pair)"][1] == "0"
    assert rows["People whose follow-up fell due"][1] == ""


def test_the_hidden_counts_are_the_oracles_behind_the_disclosure(oracle):
    """What the CSV hides is still counted exactly: 3 improved, 3 no change (the report's
    own figures, before disclosure control)."""
    built = funder_report.build(oracle.funder, periods.parse("2025-Q2"))
    (phq9,) = built.measures
    s = phq9.now
    assert (s.improved, s.no_change, s.deteriorated) == (3, 3, 0)
    assert (s.recovery_cohort, s.recovered, s.reliably_recovered) == (5, 3, 2)
    assert (s.follow_up_due, s.followed_up) == (8, 5)
    before = phq9.before
    assert (before.with_baseline, before.with_pair, before.follow_up_due) == (3, 0, 1)
