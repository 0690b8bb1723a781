"""The report page and its downloads: the same figures everywhere, only for the right people."""

import csv
import io
import re

from openpyxl import load_workbook

from app.extensions import db
from app.models import AuditEvent, Entry, Funder, funder_viewer
from tests.fixtures.factories import make_user
from tests.fixtures.web import csrf_from

EXPECTED = [5, 4, 7, 2, 1, 2, 1.33, 1]  # conftest.py works these out by hand
# What a funder sees of them: counts of 1-4 hidden, the average over 3 people withheld.
SHOWN = [5, None, 7, None, None, None, None, None]
LABELS = [
    "People supported",
    "New people",
    "Contacts",
    "Climbed a rung",
    "Climbed two rungs",
    "Left home",
    "Distance travelled",
    "Setbacks",
]


def page_figures(html: str) -> list:
    return [number(v) for v in re.findall(r'data-figure="([^"]*)"', html)]


def number(text: str):
    """A figure cell's text as a number, None when empty (hidden)."""
    if text == "":
        return None
    return float(text) if "." in text else int(text)


def csv_figures(body: str) -> dict:
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "Section",
        "Item",
        "Measure",
        "This period",
        "Previous period",
        "Target",
        "Note",
    ]
    return {r[1]: r for r in rows if r[0] == "Indicator"}


def test_reports_lists_the_organisations_funders(client, auth, history):
    auth.sign_in(history.supervisor)
    html = client.get("/reports/").get_data(as_text=True)
    assert "City Fund" in html


def test_page_excel_and_csv_give_the_same_figures(client, auth, history):
    auth.sign_in(history.supervisor)
    fid = history.funder.id
    page = client.get(f"/reports/{fid}?period=2025-Q2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page_figures(html) == SHOWN
    assert "Download Excel" in html and "Download CSV" in html
    assert "Apr–Jun 2025" in html and "Jan–Mar 2025" in html

    response = client.get(f"/reports/{fid}/report.csv?period=2025-Q2")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    by_label = csv_figures(response.get_data(as_text=True))
    assert [number(by_label[label][3]) for label in LABELS] == SHOWN
    # The previous quarter's 2 people are hidden too, and the note says so.
    assert by_label["People supported"][4] == ""
    assert "Previous period: fewer than 5" in by_label["People supported"][6]
    assert by_label["People supported"][5] == "4"  # the target

    workbook = load_workbook(
        io.BytesIO(client.get(f"/reports/{fid}/report.xlsx?period=2025-Q2").data)
    )
    assert workbook.sheetnames == ["Summary", "Data"]
    summary = workbook["Summary"]
    assert summary["A1"].value == "City Fund: outcomes report"
    header = next(
        r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "Indicator"
    )
    sheet_rows = {
        summary.cell(r, 1).value: [summary.cell(r, c).value for c in range(1, 7)]
        for r in range(header + 1, summary.max_row + 1)
    }
    assert [sheet_rows[label][2] for label in LABELS] == SHOWN
    assert sheet_rows["People supported"][3] is None and sheet_rows["People supported"][4] == 4
    data = workbook["Data"]
    data_rows = [[c.value for c in row] for row in data.iter_rows()]
    assert data_rows[0][:5] == ["Section", "Item", "Measure", "This period", "Previous period"]
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/reports/{fid}/report.csv?period=2025-Q2").get_data(as_text=True)
            )
        )
    )
    assert len(data_rows) == len(csv_rows)
    for from_sheet, from_csv in zip(data_rows, csv_rows, strict=True):
        assert ["" if v is None else str(v) for v in from_sheet] == from_csv


def test_breakdowns_suppress_small_numbers_of_people(client, auth, history):
    auth.sign_in(history.supervisor)
    body = client.get(f"/reports/{history.funder.id}/report.csv?period=2025-Q2").get_data(
        as_text=True
    )
    rows = list(csv.reader(io.StringIO(body)))
    gender = {r[1]: (r[3], r[6]) for r in rows if r[0] == "People supported by gender"}
    # 2 men, 3 women: both hidden, the cells empty and the note saying why.
    assert {k: v[0] for k, v in gender.items()} == {"Man": "", "Woman": ""}
    assert all(note.startswith("This period: fewer than 5") for _, note in gender.values())
    activity = {r[2]: r[3] for r in rows if r[0] == "By activity" and r[1] == "Travel training"}
    assert activity == {"Contacts": "7", "Steps": "5", "People": "5"}


def test_stories_are_shown_only_in_approved_anonymised_wording_and_with_consent(
    client, auth, history
):
    auth.sign_in(history.supervisor)
    report = f"/reports/{history.funder.id}?period=2025-Q2"
    html = client.get(report).get_data(as_text=True)
    assert "felt proud on the bus" not in html  # shareable, but nobody approved a wording yet
    stories = client.get("/stories/").get_data(as_text=True)
    # The check suggests the wording: every name of the organisation's people and staff out.
    assert "[name] told [name] she felt proud on the bus." in stories
    entry_id = db.session.scalar(db.select(Entry.id).where(Entry.note.like("%proud on the bus%")))
    response = client.post(
        f"/stories/{entry_id}",
        data={
            "csrf_token": csrf_from(stories),
            f"{entry_id.hex}-wording": "[name] told [name] she felt proud on the bus.",
        },
    )
    assert response.status_code == 303
    html = client.get(report).get_data(as_text=True)
    assert "[name] told [name] she felt proud on the bus." in html
    assert "Lovelace" not in html and "Sam" not in html
    assert "Gus baked bread" not in html  # not marked shareable


def test_cells_that_look_like_formulas_are_made_safe(client, auth, history):
    history.funder.name = '=HYPERLINK("http://x")'
    db.session.commit()
    auth.sign_in(history.supervisor)
    body = client.get(f"/reports/{history.funder.id}/report.csv?period=2025-Q2").get_data(
        as_text=True
    )
    assert "'=HYPERLINK" in body
    book = load_workbook(
        io.BytesIO(client.get(f"/reports/{history.funder.id}/report.xlsx?period=2025-Q2").data)
    )
    assert book["Summary"]["A1"].value.startswith("'=")
    assert all(
        not str(c.value or "").startswith("=") for row in book["Data"].iter_rows() for c in row
    )


def test_an_unknown_period_is_refused_plainly(client, auth, history):
    auth.sign_in(history.supervisor)
    fid = history.funder.id
    response = client.get(f"/reports/{fid}?period=last-tuesday")
    assert response.status_code == 422
    assert "is not a period Stepladder knows" in response.get_data(as_text=True)
    assert client.get(f"/reports/{fid}/report.csv?period=2025-13").status_code == 400
    backwards = client.get(f"/reports/{fid}?period=custom&from=2025-06-01&to=2025-05-01")
    assert "before its start" in backwards.get_data(as_text=True)


def test_custom_dates_compare_with_the_same_number_of_days_before(client, auth, history):
    auth.sign_in(history.supervisor)
    html = client.get(
        f"/reports/{history.funder.id}?period=custom&from=2025-05-01&to=2025-05-31"
    ).get_data(as_text=True)
    assert "1 May 2025 to 31 May 2025" in html and "31 Mar 2025 to 30 Apr 2025" in html


def test_an_empty_period_says_so(client, auth, history):
    auth.sign_in(history.supervisor)
    html = client.get(f"/reports/{history.funder.id}?period=2024-01").get_data(as_text=True)
    assert "Nothing was recorded" in html and "true zero" in html


def test_a_funder_with_no_activities_says_so(client, auth, history):
    funder = Funder(organisation_id=history.org.id, name="Empty Trust")
    db.session.add(funder)
    db.session.commit()
    auth.sign_in(history.supervisor)
    html = client.get(f"/reports/{funder.id}?period=2025-Q2").get_data(as_text=True)
    assert "Empty Trust has no activities chosen" in html
    csv_body = client.get(f"/reports/{funder.id}/report.csv?period=2025-Q2").get_data(as_text=True)
    assert "has no activities chosen" in csv_body


def test_another_organisations_funder_is_not_found(client, auth, history):
    auth.sign_in(history.other_admin)
    fid = history.funder.id
    assert client.get(f"/reports/{fid}?period=2025-Q2").status_code == 404
    assert client.get(f"/reports/{fid}/report.xlsx?period=2025-Q2").status_code == 404
    assert client.get(f"/reports/{fid}/edit").status_code == 404
    assert "City Fund" not in client.get("/reports/").get_data(as_text=True)


def test_funder_viewer_sees_only_attached_funders(client, auth, history):
    viewer = make_user(history.org, "funder")
    hidden = Funder(organisation_id=history.org.id, name="Other Grant")
    db.session.add(hidden)
    db.session.execute(
        funder_viewer.insert().values(funder_id=history.funder.id, user_id=viewer.id)
    )
    db.session.commit()
    auth.sign_in(viewer)
    assert client.get("/").headers["Location"].endswith("/reports/")
    listing = client.get("/reports/").get_data(as_text=True)
    assert "City Fund" in listing and "Other Grant" not in listing
    assert client.get(f"/reports/{history.funder.id}?period=2025-Q2").status_code == 200
    assert client.get(f"/reports/{hidden.id}").status_code == 404
    assert client.get(f"/reports/{history.funder.id}/edit").status_code == 403
    assert client.get(f"/people/{history.person.id}").status_code == 403


def test_workers_cannot_see_reports(client, auth, history):
    auth.sign_in(history.worker)
    assert client.get("/reports/").status_code == 403


def test_downloads_are_audited(client, auth, history):
    auth.sign_in(history.supervisor)
    client.get(f"/reports/{history.funder.id}/report.xlsx?period=2025-Q2")
    events = db.session.query(AuditEvent).filter_by(action="report.export").all()
    assert [(e.target, e.detail) for e in events] == [
        (f"funder:{history.funder.id}", "2025-Q2 xlsx")
    ]


def test_the_report_draws_steps_by_outcome_and_contacts_by_activity(client, auth, history):
    auth.sign_in(history.supervisor)
    html = client.get(f"/reports/{history.funder.id}?period=2025-Q2").get_data(as_text=True)
    charts = re.findall(r'<figure class="chart">.*?</figure>', html, re.S)
    assert [re.search(r"<figcaption>([^<]+)<", c).group(1) for c in charts] == [
        "Contacts by activity this period",
        "Steps by outcome this period",
    ]
    assert "<desc" in charts[0] and "Travel training: 7." in charts[0]
    assert "Getting about: 5." in charts[1]
    assert all("style=" not in c for c in charts)  # the CSP forbids inline styles
