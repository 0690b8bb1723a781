"""The measures section of a funder's report: on the page, in the CSV and in Excel."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Funder, MeasurePlan, MeasureReading
from tests.fixtures.factories import make_activity, make_entry, make_person

# Six people with SWEMWBS in 2025-Q2: baselines 15.32 (x3) and 20.73 (x3) in April, latest in
# June 19.98 (x3, +4.66 each: reliably improved) and 20.73 (x3, no change). Mean change 2.33.
# Reviews every 8 weeks: each follow-up fell due on 5 June and came on 10 June (rate 100 %).
PAIRS = [(15.32, 19.98)] * 3 + [(20.73, 20.73)] * 3


def _reading(person, worker, at, score):
    entry = make_entry(person, worker, "measure", at=at)
    db.session.add(
        MeasureReading(
            entry_id=entry.id,
            organisation_id=person.organisation_id,
            person_id=person.id,
            measure_key="swemwbs",
            answers={},
            score=score,
            parts={},
        )
    )
    return entry


def _setup(w, unfunded=None, pairs=PAIRS):
    """Six people seen under the funded activity with their SWEMWBS pairs (or one person for
    each of `pairs`); with `unfunded`, as many more people with the same pairs, seen only under
    that activity instead."""
    funder = Funder(organisation_id=w.org.id, name="City Fund", activities=[w.activity])
    other = Funder(organisation_id=w.org.id, name="Other Fund", activities=[w.activity])
    db.session.add_all([funder, other])
    db.session.flush()
    db.session.add(
        MeasurePlan(
            organisation_id=w.org.id, measure_key="swemwbs", every_weeks=8, funders=[funder]
        )
    )
    for activity in filter(None, [w.activity, unfunded]):
        for first, last in pairs:
            person = make_person(w.org, [w.worker])
            make_entry(person, w.worker, "seen", datetime(2025, 4, 10, 9), activity_id=activity.id)
            _reading(person, w.worker, datetime(2025, 4, 10, 10), first)
            _reading(person, w.worker, datetime(2025, 6, 10, 10), last)
    db.session.commit()
    return funder, other


def test_report_page_and_csv_show_the_measure_paired(client, auth, w):
    funder, other = _setup(w)
    auth.sign_in(w.supervisor)
    page = client.get(f"/reports/{funder.id}?period=2025-Q2").get_data(as_text=True)
    assert "Validated measures" in page and "SWEMWBS" in page
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["Section"] == "Measure: SWEMWBS"]
    figures = {r["Item"]: (r["This period"], r["Previous period"]) for r in rows}
    notes = {r["Item"]: r["Note"] for r in rows}
    assert figures["People with a baseline"] == ("6", "0")
    assert figures["People with a follow-up (a pair)"] == ("6", "0")
    assert figures["People whose follow-up fell due"] == ("6", "0")
    assert figures["Follow-up rate (%)"][0] == "100"
    assert figures["Mean change"][0] == "2.33"
    # Hidden counts are empty cells, with the reason in the note (app/disclosure.py).
    assert figures["Reliably improved"][0] == "" and "fewer than 5" in notes["Reliably improved"]
    assert figures["No reliable change"][0] == ""
    assert "fewer than 5" in notes["No reliable change"]
    assert "Reliably deteriorated" in figures
    assert "Stewart-Brown" not in text and "NHS Health Scotland" in text  # attribution


def test_a_funders_measures_count_only_the_people_its_report_covers(client, auth, w):
    _setup(w, unfunded=make_activity(w.org, "Drop-in"))
    person = make_person(w.org, [w.worker])  # readings, but never supported at all
    _reading(person, w.worker, datetime(2025, 4, 11, 10), 15.32)
    _reading(person, w.worker, datetime(2025, 6, 11, 10), 19.98)
    db.session.commit()
    funder = db.session.scalar(select(Funder).where(Funder.name == "City Fund"))
    auth.sign_in(w.admin)
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["Section"] == "Measure: SWEMWBS"]
    figures = {r["Item"]: r["This period"] for r in rows}
    # Six of the thirteen people with readings were supported under City Fund's activity.
    assert figures["People with a baseline"] == "6"
    assert figures["People with a follow-up (a pair)"] == "6"
    assert figures["Mean change"] == "2.33"
    assert _add_indicator(client, auth, funder, "measure_follow_up", "Rate").status_code == 303
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    rate = next(r for r in csv.DictReader(io.StringIO(text)) if r["Item"] == "Rate")
    assert rate["Note"] == "6 of 6 people whose follow-up fell due."


def test_a_measure_reports_only_to_the_funders_it_serves(client, auth, w):
    funder, other = _setup(w)
    auth.sign_in(w.supervisor)
    text = client.get(f"/reports/{other.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    assert "Measure: SWEMWBS" not in text


def test_excel_data_sheet_carries_the_measure_rows(client, auth, w):
    funder, _ = _setup(w)
    auth.sign_in(w.supervisor)
    book = load_workbook(
        io.BytesIO(client.get(f"/reports/{funder.id}/report.xlsx?period=2025-Q2").data)
    )
    data = [
        [c.value for c in row] for row in book["Data"].iter_rows(min_row=2)
        if row[0].value == "Measure: SWEMWBS"
    ]  # fmt: skip
    assert data[0][:4] == ["Measure: SWEMWBS", "People with a baseline", "SWEMWBS", 6]


def _add_indicator(client, auth, funder, kind: str, label: str, measure="swemwbs"):
    token = auth.csrf(f"/reports/{funder.id}/edit")
    return client.post(
        f"/reports/{funder.id}/indicators",
        data={
            "csrf_token": token,
            "indicator-kind": kind,
            "indicator-label": label,
            "indicator-measure": measure,
        },
    )


def test_indicators_on_a_measure_count_improvement_change_and_follow_up(client, auth, w):
    funder, _ = _setup(w)
    auth.sign_in(w.admin)
    assert "Mean change on a measure" in client.get(f"/reports/{funder.id}/edit").get_data(
        as_text=True
    )
    for kind, label in [
        ("measure_improved", "Reliably improved on SWEMWBS"),
        ("measure_change", "Mean change on SWEMWBS"),
        ("measure_follow_up", "SWEMWBS follow-up rate"),
    ]:
        assert _add_indicator(client, auth, funder, kind, label).status_code == 303
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    rows = {r["Item"]: r for r in csv.DictReader(io.StringIO(text)) if r["Section"] == "Indicator"}
    # Three reliably improved is 1-4 people: left empty, and the note says why.
    assert rows["Reliably improved on SWEMWBS"]["This period"] == ""
    assert rows["Reliably improved on SWEMWBS"]["Note"] == (
        "This period: fewer than 5 people: hidden to protect their privacy"
    )
    assert rows["Mean change on SWEMWBS"]["This period"] == "2.33"
    assert "95% CI" in rows["Mean change on SWEMWBS"]["Note"]
    assert rows["SWEMWBS follow-up rate"]["This period"] == "100"


def test_a_measure_indicator_needs_a_measure_switched_on(client, auth, w):
    funder, _ = _setup(w)
    auth.sign_in(w.admin)
    answer = _add_indicator(client, auth, funder, "measure_change", "Change", measure="gad7")
    assert answer.status_code == 422
    assert "choose one of the measures switched on" in answer.get_data(as_text=True)


def test_a_follow_up_rate_that_would_give_a_small_count_away_is_hidden(client, auth, w):
    """Two more people with an April baseline and no follow-up: 8 fell due, 6 followed up, so
    75 % beside the 8 would say that 2 were not. The indicator and the section both hide it."""
    funder, _ = _setup(w)
    for _ in range(2):
        person = make_person(w.org, [w.worker])
        make_entry(person, w.worker, "seen", datetime(2025, 4, 10, 9), activity_id=w.activity.id)
        _reading(person, w.worker, datetime(2025, 4, 10, 10), 18.59)
    db.session.commit()
    auth.sign_in(w.admin)
    rate = "SWEMWBS follow-up rate"
    assert _add_indicator(client, auth, funder, "measure_follow_up", rate).status_code == 303
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    indicator = next(r for r in rows if r["Section"] == "Indicator" and r["Item"] == rate)
    assert indicator["This period"] == ""
    assert indicator["Note"].startswith("This period: hidden because") and "6 of 8" not in text
    section = {r["Item"]: r for r in rows if r["Section"] == "Measure: SWEMWBS"}
    assert section["People whose follow-up fell due"]["This period"] == "8"
    assert section["Follow-up rate (%)"]["This period"] == ""


def test_a_reliably_improved_count_hidden_in_the_section_is_hidden_in_the_indicator(
    client, auth, w
):
    """Twelve pairs: eight reliably improved (15.32 -> 19.98, +4.66), four with no reliable
    change (20.73 both times), none deteriorated. The section shows the 12 pairs and the 0, so
    the 4 ("fewer than 5") would be 12 - 8 - 0 if the 8 were shown: the section hides the 8
    as well. The indicator counting the same people is the section's own figure: hidden
    too, with the same reason, on the page, in the CSV and in Excel; nowhere is the 8
    written, and the note does not quote it. The follow-up rate and the mean change are the
    section's figures as well: 100 % (all twelve followed up on 10 June) and 3.11."""
    funder, _ = _setup(w, pairs=[(15.32, 19.98)] * 8 + [(20.73, 20.73)] * 4)
    auth.sign_in(w.admin)
    labels = {
        "measure_improved": "Reliably improved on SWEMWBS",
        "measure_follow_up": "SWEMWBS follow-up rate",
        "measure_change": "Mean change on SWEMWBS",
    }
    for kind, label in labels.items():
        assert _add_indicator(client, auth, funder, kind, label).status_code == 303
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    indicator = {r["Item"]: r for r in rows if r["Section"] == "Indicator"}
    section = {r["Item"]: r for r in rows if r["Section"] == "Measure: SWEMWBS"}
    assert section["People with a follow-up (a pair)"]["This period"] == "12"
    assert section["Reliably deteriorated"]["This period"] == "0"
    assert section["No reliable change"]["This period"] == ""
    assert section["Reliably improved"]["This period"] == ""
    improved = indicator["Reliably improved on SWEMWBS"]
    assert improved["This period"] == "" and "8" not in improved["Note"]
    reason = "hidden so that a small number beside it cannot be worked out from the total"
    assert improved["Note"] == section["Reliably improved"]["Note"] == f"This period: {reason}"
    # The other two are shown, and are the section's numbers.
    assert indicator["SWEMWBS follow-up rate"]["This period"] == "100"
    assert section["Follow-up rate (%)"]["This period"] == "100"
    assert indicator["Mean change on SWEMWBS"]["This period"] == "3.11"
    assert section["Mean change"]["This period"] == "3.11"
    page = client.get(f"/reports/{funder.id}?period=2025-Q2").get_data(as_text=True)
    assert ">8<" not in page and "Reliably improved on SWEMWBS" in page
    book = load_workbook(
        io.BytesIO(client.get(f"/reports/{funder.id}/report.xlsx?period=2025-Q2").data)
    )
    data = {(row[0], row[1]): row[3] for row in book["Data"].iter_rows(min_row=2, values_only=True)}
    assert data["Indicator", "Reliably improved on SWEMWBS"] is None
    assert data["Measure: SWEMWBS", "Reliably improved"] is None
    assert data["Indicator", "SWEMWBS follow-up rate"] == 100


def test_a_rate_with_nothing_due_this_period_still_shows_the_previous_periods(client, auth, w):
    """In 2025-Q3 no follow-up fell due (all six fell due on 5 June), so this period has no
    follow-up rate; the previous period's 100 % is still shown beside it, in the section
    and in the indicator on it alike."""
    funder, _ = _setup(w)
    auth.sign_in(w.admin)
    rate = "SWEMWBS follow-up rate"
    assert _add_indicator(client, auth, funder, "measure_follow_up", rate).status_code == 303
    text = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q3").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    section = {r["Item"]: r for r in rows if r["Section"] == "Measure: SWEMWBS"}
    indicator = next(r for r in rows if r["Section"] == "Indicator" and r["Item"] == rate)
    assert section["People whose follow-up fell due"]["This period"] == "0"
    assert section["People whose follow-up fell due"]["Previous period"] == "6"
    assert section["Follow-up rate (%)"]["This period"] == ""
    assert section["Follow-up rate (%)"]["Previous period"] == "100"
    assert (indicator["This period"], indicator["Previous period"]) == ("", "100")
