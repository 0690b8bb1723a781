"""DIALOG's reliable change in the funder report and on the Overview, worked by hand.

DIALOG's threshold (1.64 points, app/measures/definitions/dialog.json) is for subjective
quality of life, the mean of the 8 life domains; treatment satisfaction, the mean of the 3
treatment items, is kept with each reading but not paired. Sixteen people, each answering
every life domain alike and every treatment item alike, first on 10 April 2025 and again on
10 June (quality of life, treatment satisfaction):

- 6 people: (2, 6) then (5, 3)   quality of life +3: reliably improved (treatment -3)
- 5 people: (4, 2) then (4, 6)   quality of life  0: no reliable change (treatment +4)
- 5 people: (5, 3) then (3, 6)   quality of life -2: reliably deteriorated (treatment +3)

Were the counts worked on treatment satisfaction (its own threshold would be 2.13) they would
be 10 improved and 6 deteriorated instead. Mean change in quality of life (18 - 10) / 16 =
0.5; in treatment satisfaction it would be (-18 + 20 + 15) / 16 = 1.06.
"""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import time_machine

from app.extensions import db
from app.measures.definitions import shipped
from app.models import Funder, MeasurePlan
from tests.fixtures.factories import make_entry, make_person
from tests.fixtures.measures import post_reading

PEOPLE = [((2, 6), (5, 3))] * 6 + [((4, 2), (4, 6))] * 5 + [((5, 3), (3, 6))] * 5
# Posted in mid-July 2025, so both dates are within the year a phone's entry may be dated back.
POSTED_ON = datetime(2025, 7, 15, 11, tzinfo=UTC)


def answers(life: int, treatment: int) -> dict:
    """The DIALOG form with each life domain answered `life`, each treatment item `treatment`."""
    groups = shipped()["dialog"].scoring["groups"]
    return {f"q_{k}": str(life) for k in groups["quality_of_life"]} | {
        f"q_{k}": str(treatment) for k in groups["treatment_satisfaction"]
    }


@pytest.fixture
def funder(client, auth, w):
    """DIALOG reporting to City Fund, and the sixteen people's readings posted from a phone."""
    funder = Funder(organisation_id=w.org.id, name="City Fund", activities=[w.activity])
    db.session.add(funder)
    db.session.flush()
    plan = MeasurePlan(organisation_id=w.org.id, measure_key="dialog", funders=[funder])
    db.session.add(plan)
    people = [make_person(w.org, [w.worker]) for _ in PEOPLE]
    for person in people:
        make_entry(person, w.worker, "seen", datetime(2025, 4, 10, 9), activity_id=w.activity.id)
    db.session.commit()
    with time_machine.travel(POSTED_ON, tick=False):
        auth.sign_in(w.worker)
        token = auth.csrf(f"/people/{people[0].id}/measures/dialog")
        for person, (first, latest) in zip(people, PEOPLE, strict=True):
            post_reading(client, token, person, "dialog", "2025-04-10T10:00", answers(*first))
            post_reading(client, token, person, "dialog", "2025-06-10T10:00", answers(*latest))
    return funder


def test_the_funder_report_counts_dialogs_reliable_change_on_quality_of_life(
    client, auth, w, funder
):
    auth.sign_in(w.supervisor)
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["Section"] == "Measure: DIALOG"]
    figures = {r["Item"]: r["This period"] for r in rows}
    assert figures["People with a follow-up (a pair)"] == "16"
    assert figures["Mean change"] == "0.5"
    assert figures["Reliably improved"] == "6"
    assert figures["No reliable change"] == "5"
    assert figures["Reliably deteriorated"] == "5"


def test_the_overview_counts_dialogs_reliable_change_on_quality_of_life(client, auth, w, funder):
    auth.sign_in(w.supervisor)
    page = client.get("/overview/").get_data(as_text=True)
    start = page.index('<caption id="pairs-dialog">')
    table = page[start : page.index("</table>", start)]
    overview = dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table))
    assert overview["People with a follow-up (a pair)"] == "16"
    assert overview["Mean change"] == "0.5"
    assert overview["Reliably improved"] == "6"
    assert overview["No reliable change"] == "5"
    assert overview["Reliably deteriorated"] == "5"
