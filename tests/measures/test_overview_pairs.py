"""WEMWBS on the supervisor's Overview, stored through the app and checked against figures
worked by hand.

Riverside switches WEMWBS on. Every reading is posted to the measure's form as a worker's
phone would post it; one is voided on the entry's change page and one corrected through the
form. The Overview pairs each person's first reading with their latest, over every reading so
far, and shows the figures exactly (only office staff read it). WEMWBS: higher is better; a
change is reliable at 1.96 × √2 × 3.1 = 8.59 points (Maheswaran et al. 2012's largest SEM), so
9 points is reliable and 8 is not.

- Ada: 40 on 6 Jan 2025; 49 on 7 April.                 +9  reliably improved
- Ben: 40 on 7 Jan; 48 on 8 April.                       +8  no reliable change (8 < 8.59)
- Cas: 50 on 8 Jan; 41 on 9 April.                       -9  reliably deteriorated
- Dee: 45 on 9 Jan; 37 on 10 April.                      -8  no reliable change
- Eve: 30 on 10 Jan; 35 on 11 March; 52 on 12 May.      +22  reliably improved (first against
                                                              latest: the March reading between
                                                              them is not part of the pair)
- Fin: 44 on 11 Jan; 60 on 12 April, voided (tapped for the wrong person). a baseline only
- Gus: 38 on 12 Jan; 58 on 13 April, corrected to 42.    +4  no reliable change (the uncorrected
                                                              58 would be +20)
- Hal (Hilltop, another organisation): 20 on 10 Jan, 70 on 10 April: never counted.

People with a baseline 7 (Ada Ben Cas Dee Eve Fin Gus); pairs 6 (all but Fin). Baselines 40 40
50 45 30 38 (243 / 6 = 40.5), latest 49 48 41 37 52 42 (269 / 6 = 44.83), changes +9 +8 -9 -8
+22 +4 (26 / 6 = 4.33). Squares of the changes sum to 790; less 6 × 4.333² = 112.67, that is
677.33; SD √(677.33 / 5) = 11.639, SE 11.639 / √6 = 4.752, t(5) = 2.571: 95 % CI 4.33 ± 12.216
= (-7.88, 16.55). Reliably improved 2 (Ada Eve), no reliable change 3 (Ben Dee Gus), reliably
deteriorated 1 (Cas). With the 8 points used before, Ben would have counted as improved and
Dee as deteriorated (3, 1, 2).
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from app.extensions import db
from app.models import MeasurePlan
from tests.fixtures.factories import make_person
from tests.fixtures.measures import (
    make_reading,
    readings_elsewhere,
    removed_by_a_supervisor,
    switch_on,
)
from tests.fixtures.measures import post_reading as shared_post_reading
from tests.fixtures.statements import count_statements
from tests.fixtures.web import Auth

# While the readings are posted it is mid-July 2025, so every date above is within the year
# a phone's entry may be dated back.
POSTED_ON = datetime(2025, 7, 15, 11, tzinfo=UTC)

HISTORIES = {
    "Ada": [("2025-01-06T10:00", 40), ("2025-04-07T10:00", 49)],
    "Ben": [("2025-01-07T10:00", 40), ("2025-04-08T10:00", 48)],
    "Cas": [("2025-01-08T10:00", 50), ("2025-04-09T10:00", 41)],
    "Dee": [("2025-01-09T10:00", 45), ("2025-04-10T10:00", 37)],
    "Eve": [("2025-01-10T10:00", 30), ("2025-03-11T10:00", 35), ("2025-05-12T10:00", 52)],
    "Fin": [("2025-01-11T10:00", 44), ("2025-04-12T10:00", 60)],
    "Gus": [("2025-01-12T10:00", 38), ("2025-04-13T10:00", 58)],
}
HILLTOP = [("2025-01-10T10:00", 20), ("2025-04-10T10:00", 70)]


def answers(score: int) -> dict:
    """WEMWBS answers (each 1-5) adding up to `score`, filled from the first item."""
    values, left = {}, score - 14
    for item in range(1, 15):
        step = min(4, left)
        values[f"q_{item}"] = str(1 + step)
        left -= step
    assert left == 0
    return values


def post_reading(client, token, person, when: str, score: int, **extra):
    """This file's measure, answered to add up to `score`."""
    return shared_post_reading(client, token, person, "wemwbs", when, answers(score), **extra)


@pytest.fixture
def overview(app, client, auth, w):
    """The Overview's WEMWBS table, as a supervisor reads it: label → value."""
    org = w.org
    for organisation in (org, w.other):
        db.session.add(MeasurePlan(organisation_id=organisation.id, measure_key="wemwbs"))
    people = {name: make_person(org, [w.worker], display_name=name) for name in HISTORIES}
    db.session.commit()
    ids = {}
    with time_machine.travel(POSTED_ON, tick=False):
        auth.sign_in(w.worker)
        token = auth.csrf(f"/people/{people['Ada'].id}/measures/wemwbs")
        for name, history in HISTORIES.items():
            for when, score in history:
                ids[name, when] = post_reading(client, token, people[name], when, score)
        # Gus's April answers were entered wrongly: corrected through the same form.
        post_reading(
            client,
            token,
            people["Gus"],
            "2025-04-13T10:00",
            42,
            amends=str(ids["Gus", "2025-04-13T10:00"]),
            reason="Answers entered wrongly",
        )
        readings_elsewhere(app, w, "wemwbs", HILLTOP, answers)
        # Fin's April reading was someone else's: a supervisor removes it.
        removed_by_a_supervisor(
            app, w, ids["Fin", "2025-04-12T10:00"], "Recorded for the wrong person"
        )
    reader = app.test_client()
    Auth(reader).sign_in(w.supervisor)
    page = reader.get("/overview/").get_data(as_text=True)
    start = page.index('<caption id="pairs-wemwbs">')
    table = page[start : page.index("</table>", start)]
    return dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table))


def test_overview_pairs_first_and_latest_readings_as_worked_by_hand(overview):
    assert overview["People with a baseline"] == "7"
    assert overview["People with a follow-up (a pair)"] == "6"
    assert overview["Mean at baseline"] == "40.5"
    assert overview["Mean at latest"] == "44.83"
    assert overview["Mean change"] == "4.33"
    assert overview["Mean change, 95% CI"] == "-7.88 to 16.55"


def test_overview_counts_reliable_change_at_the_sources_threshold(overview):
    assert overview["Reliably improved"] == "2"
    assert overview["No reliable change"] == "3"
    assert overview["Reliably deteriorated"] == "1"


def test_overview_pairs_statements_do_not_grow_with_readings(client, auth, w):
    """The readings are read once, however many people and readings there are."""
    switch_on(w.org, "swemwbs")
    switch_on(w.org, "phq9")
    make_reading(w.person, w.worker, "swemwbs", 18.59, 40)
    make_reading(w.person, w.worker, "swemwbs", 22.35, 2)
    db.session.commit()
    auth.sign_in(w.supervisor)

    def statements() -> int:
        client.get("/overview/")
        with count_statements() as seen:
            page = client.get("/overview/").get_data(as_text=True)
        assert '<caption id="pairs-swemwbs">' in page
        return len(seen)

    small = statements()
    for n in range(8):
        person = make_person(w.org, [w.worker])
        for days in (60, 30, 5):
            make_reading(person, w.worker, "swemwbs", 15.0 + n, days)
        make_reading(person, w.worker, "phq9", 10 + n, 3)
    db.session.commit()
    assert statements() == small
