"""A supervisor picks a quarter and gets the report, with Excel and CSV downloads that work."""

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.fixtures.browser import sign_in


def _set_up_funder(page) -> None:
    """An admin sets up a funder and one indicator through the forms."""
    sign_in(page, "admin@example.org")
    page.goto("/reports/funders/new")
    page.get_by_label("Name", exact=True).fill("Demo Lottery")
    page.get_by_label("Doorstep support").check()
    page.get_by_label("Travel training").check()
    page.get_by_role("button", name="Add funder").click()
    expect(page.get_by_role("heading", name="Set up Demo Lottery")).to_be_visible()
    page.get_by_label("What to count").select_option(label="People supported")
    page.get_by_label("Name in the report").fill("People supported")
    page.get_by_label("Target (optional)").fill("5")
    page.get_by_role("button", name="Add indicator").click()
    expect(page.get_by_text("Added the indicator")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()


def test_supervisor_picks_a_quarter_and_downloads_the_report(office, tmp_path):
    _set_up_funder(office)
    sign_in(office, "supervisor@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    office.get_by_role("link", name="Demo Lottery").click()

    period = office.get_by_label("Period", exact=True)
    quarters = period.locator("optgroup[label='Quarters'] option")
    last_quarter = quarters.nth(1).text_content()  # the quarter before this one: a whole quarter
    period.select_option(label=last_quarter)
    office.get_by_role("button", name="Show report").click()
    expect(office.get_by_role("heading", name=re.compile(re.escape(last_quarter)))).to_be_visible()

    row = office.get_by_role("row", name=re.compile("^People supported"))
    on_page = int(row.get_by_role("cell").first.inner_text().split()[0])
    assert on_page > 0  # the demo's workers saw people in that quarter

    excel_link = office.get_by_role("link", name="Download Excel")
    csv_link = office.get_by_role("link", name="Download CSV")
    expect(excel_link).to_be_visible()
    expect(csv_link).to_be_visible()

    with office.expect_download() as excel:
        excel_link.click()
    excel_path = tmp_path / excel.value.suggested_filename
    excel.value.save_as(excel_path)
    assert excel_path.suffix == ".xlsx"
    summary = load_workbook(excel_path)["Summary"]
    figures = {
        summary.cell(r, 1).value: summary.cell(r, 3).value for r in range(1, summary.max_row + 1)
    }
    assert figures["People supported"] == on_page

    with office.expect_download() as download:
        csv_link.click()
    with open(download.value.path(), encoding="utf-8") as downloaded:
        text = downloaded.read()
    rows = {r[1]: r for r in csv.reader(io.StringIO(text)) if r and r[0] == "Indicator"}
    assert int(rows["People supported"][3]) == on_page
