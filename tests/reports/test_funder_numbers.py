"""Numbers a funder can trust, on the hand-built history (conftest.py) and on small worlds
where a naive table would give someone away: contacts are visits, targets belong to the
funding period, and hidden cells stay hidden in every file."""

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.entries import scoped
from app.entries.queries import effective
from app.entries.scoped import Scope
from app.extensions import db
from app.local_time import day_bounds
from app.models import Entry, Funder, Indicator, Story
from app.reports import periods, report
from tests.fixtures.clock import at
from tests.fixtures.factories import make_activity, make_entry, make_person, make_user


def csv_rows(client, funder_id: int, period: str) -> list[list[str]]:
    response = client.get(f"/reports/{funder_id}/report.csv?period={period}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


# --- contacts are visits ----------------------------------------------------------------------


def test_contacts_are_visits_not_entries(history):
    """Seven visits in 2025-Q2, where counting every entry but notes would say nine."""
    scope = Scope.for_funder(history.funder)
    bounds = day_bounds(date(2025, 4, 1), date(2025, 6, 30))
    assert scoped.contacts(scope, *bounds) == 7
    entries = db.session.scalar(
        select(func.count()).where(
            *scope.conditions(),
            Entry.recorded_at >= bounds[0],
            Entry.recorded_at < bounds[1],
            Entry.kind != "note",
        )
    )
    assert entries == 9


def test_the_report_explains_what_a_contact_is(client, auth, history):
    auth.sign_in(history.supervisor)
    html = client.get(f"/reports/{history.funder.id}?period=2025-Q2").get_data(as_text=True)
    assert "A contact is a visit: one person seen on one day" in html


# --- targets belong to the funding period --------------------------------------------------------


def test_a_quarter_compares_with_its_share_of_the_whole_funding_target(client, auth, history):
    funder = history.funder
    funder.starts_on, funder.ends_on = date(2025, 1, 1), date(2025, 12, 31)
    db.session.commit()
    auth.sign_in(history.supervisor)
    rows = {r[1]: r for r in csv_rows(client, funder.id, "2025-Q2") if r[0] == "Indicator"}
    # 10 contacts over 365 days of funding; April to June is 91 of them: 10 × 91 / 365 = 2.5.
    assert rows["Contacts"][5] == "2.5"
    assert "covers 91 of its 365 days" in rows["Contacts"][6]
    assert rows["People supported"][5] == "1"  # 4 × 91 / 365 = 0.997, to one decimal place
    html = client.get(f"/reports/{funder.id}?period=2025-Q2").get_data(as_text=True)
    assert "so its share is 2.5" in html


def test_a_yearly_target_is_shared_by_the_days_of_the_period(client, auth, history):
    funder = history.funder
    funder.starts_on, funder.ends_on = date(2025, 1, 1), date(2027, 12, 31)
    funder.target_basis = "year"
    db.session.commit()
    auth.sign_in(history.supervisor)
    rows = {r[1]: r for r in csv_rows(client, funder.id, "2025-05") if r[0] == "Indicator"}
    assert rows["Contacts"][5] == "0.8"  # 10 a year × 31 / 365
    assert "Target 10 a year; 31 of 365 days" in rows["Contacts"][6]


def test_a_period_partly_outside_the_funding_counts_only_its_funded_days(history):
    funder = history.funder
    funder.starts_on, funder.ends_on = date(2025, 5, 1), date(2026, 4, 30)  # 365 days
    share = report.targets.share(funder, periods.parse("2025-Q2"), 73)
    assert share.target == 12.2  # May and June: 61 of 365 days of a target of 73
    assert "61 of its 365 days" in share.note


def test_periods_outside_the_funding_are_not_offered_nor_reported(client, auth, history):
    funder = history.funder
    funder.starts_on, funder.ends_on = date(2025, 4, 1), date(2025, 12, 31)
    db.session.commit()
    auth.sign_in(history.supervisor)
    html = client.get(f"/reports/{funder.id}?period=2025-Q2").get_data(as_text=True)
    offered = set(re.findall(r'<option value="([^"]+)"', html)) - {"custom"}
    for code in offered:
        period = periods.parse(code)
        assert period.last >= funder.starts_on and period.first <= funder.ends_on, code
    assert "2025-Q2" in offered and "2025-Q1" not in offered
    refused = client.get(f"/reports/{funder.id}?period=2025-Q1")
    assert refused.status_code == 422
    assert "outside City Fund&#39;s funding (1 Apr 2025 to 31 Dec 2025)" in refused.get_data(
        as_text=True
    )
    assert client.get(f"/reports/{funder.id}/report.csv?period=2025-Q1").status_code == 400


def test_the_default_period_is_the_last_complete_one():
    assert periods.last_complete(date(2026, 12, 1)).code == "2026-Q3"
    assert periods.last_complete(date(2026, 10, 1)).code == "2026-Q3"
    # Funding that began this quarter: no quarter is complete yet, but last month is.
    begun = lambda p: p.last >= date(2026, 10, 1)  # noqa: E731
    assert periods.last_complete(date(2026, 11, 20), begun).code == "2026-10"
    # Nothing complete within the funding yet: this quarter so far.
    just_begun = lambda p: p.last >= date(2026, 11, 1)  # noqa: E731
    assert periods.last_complete(date(2026, 11, 20), just_begun).code == "2026-Q4"


# --- cases where a naive table would leak -------------------------------------------------


def small_world(w, now_bands: list[str], before_bands: list[str]) -> Funder:
    """People seen once each in 2025-Q2 (one per band in `now_bands`) and in 2025-Q1."""
    org = w.org
    org.demographic_fields = "age band"
    worker = make_user(org, "worker")
    for quarter, bands in (("2025-05-10T10:00", now_bands), ("2025-02-10T10:00", before_bands)):
        for band in bands:
            person = make_person(org, [worker], [w.outcome], demographics={"age band": band})
            make_entry(person, worker, "seen", at(quarter), activity_id=w.activity.id)
    funder = Funder(organisation_id=org.id, name="Small Fund", activities=[w.activity])
    db.session.add(funder)
    db.session.flush()
    db.session.add(
        Indicator(
            organisation_id=org.id,
            funder_id=funder.id,
            kind="people_supported",
            label="People supported",
            params={},
            position=1,
        )
    )
    db.session.commit()
    return funder


def band_cells(rows: list[list[str]]) -> dict:
    return {r[1]: (r[3], r[4]) for r in rows if r[0] == "People supported by age band"}


def test_one_hidden_band_beside_an_exact_total_hides_a_second(client, auth, w):
    """9 people: 6 aged 26-40 and 3 aged 41-64. Showing 6 beside a total of 9 would give
    the 3 away, so the 6 is hidden too."""
    funder = small_world(w, ["26-40"] * 6 + ["41-64"] * 3, ["26-40"] * 7)
    auth.sign_in(w.supervisor)
    rows = csv_rows(client, funder.id, "2025-Q2")
    headline = next(r for r in rows if r[0] == "Indicator" and r[1] == "People supported")
    assert headline[3] == "9"
    now = {band: cells[0] for band, cells in band_cells(rows).items()}
    assert now == {"26-40": "", "41-64": ""}
    notes = {r[1]: r[6] for r in rows if r[0] == "People supported by age band"}
    assert "This period: hidden so that a small number" in notes["26-40"]
    assert "This period: fewer than 5" in notes["41-64"]


def test_a_small_previous_period_column_is_protected_on_its_own(client, auth, w):
    """The previous quarter: 2 people aged 18-25 and 6 aged 65+, beside its total of 8."""
    funder = small_world(w, ["18-25"] * 5 + ["65+"] * 5, ["18-25"] * 2 + ["65+"] * 6)
    auth.sign_in(w.supervisor)
    rows = csv_rows(client, funder.id, "2025-Q2")
    headline = next(r for r in rows if r[0] == "Indicator" and r[1] == "People supported")
    assert (headline[3], headline[4]) == ("10", "8")
    assert band_cells(rows) == {"18-25": ("5", ""), "65+": ("5", "")}


def test_a_previous_period_of_fewer_than_five_in_as_many_bands_is_withheld(client, auth, w):
    """The previous quarter: 4 people, one in each of the four age bands. Its total is "fewer
    than 5" (1 to 4), and four bands each "fewer than 5" (at least 1) would make every band
    exactly 1: the whole previous column of the table is withheld instead, with the reason.
    This quarter's 5 and 5 (and the two 0s) beside its total of 10 give nobody away."""
    bands = ["18-25", "26-40", "41-64", "65+"]
    funder = small_world(w, ["26-40"] * 5 + ["65+"] * 5, bands)
    auth.sign_in(w.supervisor)
    rows = csv_rows(client, funder.id, "2025-Q2")
    headline = next(r for r in rows if r[0] == "Indicator" and r[1] == "People supported")
    assert (headline[3], headline[4]) == ("10", "")
    assert "Previous period: fewer than 5 people" in headline[6]
    assert band_cells(rows) == {"18-25": ("0", ""), "26-40": ("5", ""), "41-64": ("0", ""),
                                "65+": ("5", "")}  # fmt: skip
    notes = {r[1]: r[6] for r in rows if r[0] == "People supported by age band"}
    for band in bands:
        assert notes[band] == (
            "Previous period: withheld with the rest of its table: with fewer than 5 people "
            "in all, the cells beside it would give someone away"
        )
    html = client.get(f"/reports/{funder.id}?period=2025-Q2").get_data(as_text=True)
    assert html.count(">withheld</span>") >= len(bands)


def test_one_hidden_activity_beside_the_total_contacts_and_people_hides_a_second(client, auth, w):
    """9 people seen once each in 2025-Q2: 6 in Travel training, 3 in Drop-in (both funded),
    so 9 contacts and 9 people supported, both shown. Travel training's 6 contacts and 6
    people beside the totals would give Drop-in's 3 away, so they are hidden too."""
    org, worker = w.org, make_user(w.org, "worker")
    training, drop_in = w.activity, make_activity(org, "Drop-in group", [w.outcome])
    for activity, people in ((training, 6), (drop_in, 3)):
        for _ in range(people):
            person = make_person(org, [worker], [w.outcome])
            make_entry(person, worker, "seen", at("2025-05-10T10:00"), activity_id=activity.id)
    funder = Funder(organisation_id=org.id, name="Two Fund", activities=[training, drop_in])
    db.session.add(funder)
    db.session.flush()
    for n, (kind, label) in enumerate((("people_supported", "People"), ("contacts", "Visits"))):
        db.session.add(
            Indicator(
                organisation_id=org.id,
                funder_id=funder.id,
                kind=kind,
                label=label,
                params={},
                position=n,
            )  # fmt: skip
        )
    db.session.commit()
    auth.sign_in(w.supervisor)
    rows = csv_rows(client, funder.id, "2025-Q2")
    headline = {r[1]: r[3] for r in rows if r[0] == "Indicator"}
    assert headline == {"People": "9", "Visits": "9"}
    by_activity = {(r[1], r[2]): (r[3], r[6]) for r in rows if r[0] == "By activity"}
    for name in (training.name, "Drop-in group"):
        for measure in ("Contacts", "People"):
            assert by_activity[name, measure][0] == "", (name, measure)
    assert "This period: hidden so that a small number" in by_activity[training.name, "People"][1]
    assert "This period: fewer than 5" in by_activity["Drop-in group", "Contacts"][1]


def test_an_average_over_few_people_is_withheld_with_its_reason(client, auth, history):
    auth.sign_in(history.supervisor)
    rows = csv_rows(client, history.funder.id, "2025-Q2")
    distance = next(r for r in rows if r[0] == "Indicator" and r[1] == "Distance travelled")
    assert distance[3] == ""
    assert "an average over fewer than 5 people is withheld" in distance[6]
    assert "Across fewer than 5 people" in distance[6]
    table = {r[2]: r for r in rows if r[0] == "Distance travelled"}
    assert table["Average rungs climbed"][3] == ""
    assert "withheld" in table["Average rungs climbed"][6]
    # The single person on their first step is not quoted as a number anywhere.
    assert not any("including 1 " in cell for row in rows for cell in row)


def test_the_printed_report_names_who_produced_it(client, auth, history):
    auth.sign_in(history.supervisor)
    html = client.get(f"/reports/{history.funder.id}?period=2025-Q2").get_data(as_text=True)
    produced = re.search(r'<p class="produced">(.*?)</p>', html, re.S).group(1)
    org_name = history.org.name
    for part in (org_name, "City Fund", "Apr–Jun 2025", history.supervisor.name):
        assert part in produced
    assert re.search(r"produced by .+ on \w+ \d+ \w+ \d{4}, \d\d:\d\d", produced)
    assert "data-print" in html and ">Print</button>" in html


def test_hidden_figures_are_empty_numeric_cells_in_excel(client, auth, history):
    """Every row's figure columns hold a number or nothing, the period and story rows too:
    their words are in the Note column."""
    proud = db.session.scalar(select(Entry).where(Entry.note.like("%proud on the bus%")))
    wording = "[name] told [name] she felt proud on the bus."
    db.session.add(Story(organisation_id=proud.organisation_id, entry_id=proud.id, wording=wording))
    db.session.commit()
    auth.sign_in(history.supervisor)
    body = client.get(f"/reports/{history.funder.id}/report.xlsx?period=2025-Q2").data
    data = list(load_workbook(io.BytesIO(body))["Data"].iter_rows(min_row=2, values_only=True))
    for row in data:
        for value in row[3:6]:
            assert value is None or isinstance(value, int | float), row
    [story] = [row for row in data if row[0] == "Story"]
    assert story[6] == wording
    [period] = [row for row in data if row[0] == "Report" and row[2] == "Period"]
    assert period[6] == "This period: Apr–Jun 2025; previous period: Jan–Mar 2025"


def test_the_report_counts_with_the_counting_layer(history):
    """The report's people supported is the counting layer's answer for the funder's scope."""
    built = report.build(history.funder, periods.parse("2025-Q2"))
    supported = next(r for r in built.indicators if r.label == "People supported")
    scope = Scope.for_funder(history.funder)
    bounds = day_bounds(date(2025, 4, 1), date(2025, 6, 30))
    distinct = db.session.scalar(
        select(func.count(func.distinct(Entry.person_id))).where(
            *scope.reach(),
            effective(),
            Entry.recorded_at >= bounds[0],
            Entry.recorded_at < bounds[1],
        )
    )
    assert supported.value.number == distinct == 5
