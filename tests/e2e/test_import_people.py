"""Importing people with their outcomes and key workers, through the real upload page (issue 13,
item 7): the admin at 1280 × 800 uploads a CSV file, a wrong row stops the whole import, and
the people imported reach their key worker's phone (360 × 740) ready to record. The
organisation is made with the factories, so its staff and ladders are known; axe checks every
page visited."""

import re

from playwright.sync_api import expect

from tests.fixtures.axe import checked
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import PASSWORD, make_activity, make_org, make_outcome, make_user
from tests.fixtures.live import rows_in

ADMIN, WORKER = "admin@southbrook.example.org", "rae@southbrook.example.org"
COLUMNS = "Name,Reference,Key worker,Outcomes\n"
PEOPLE = (
    f"Gil S.,SB-1,{WORKER},Getting out and about\n"
    f"Hana T.,SB-2,{WORKER.upper()},Looking after myself; getting out and about\n"
)


def _upload(page, path) -> None:
    page.get_by_label("File to import").set_input_files(path)
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("heading", level=1, name="Check the columns")).to_be_visible()


def test_people_import_with_their_outcomes_and_key_workers(office, phone, live_server, tmp_path):
    with rows_in(live_server):
        org = make_org("Southbrook Outreach")
        make_user(org, "admin", email=ADMIN)
        make_user(org, "worker", email=WORKER, name="Rae Worker")
        outdoors = make_outcome(org, "Getting out and about", ("Opened the door", "Left home"))
        self_care = make_outcome(org, "Looking after myself", ("Got up", "Made a meal"))
        make_activity(org, "Doorstep support", [outdoors, self_care])
    sign_in(office, ADMIN, PASSWORD)
    office.goto("/setup/people")
    office.get_by_role("link", name="Import them from a spreadsheet").click()
    expect(office.get_by_role("heading", level=1, name="Import people")).to_be_visible()
    checked(office)

    # One wrong row (an outcome the service does not have): the problem is named by its row,
    # and nobody is imported.
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(COLUMNS + PEOPLE + f"Ivo U.,SB-3,{WORKER},Gardening\n")
    _upload(office, wrong)
    # The columns are recognised by their names.
    expect(office.get_by_label("Key worker email")).to_have_value("2")
    expect(office.get_by_label("Outcomes (ladders), separated by ;")).to_have_value("3")
    checked(office)
    office.get_by_role("button", name="Check every row").click()
    problems = office.get_by_role("region", name="Problems to fix")
    expect(problems.get_by_role("row")).to_have_text(
        [re.compile("Row"), re.compile("^4\\s*No outcome in use is called “Gardening”.$")]
    )
    expect(office.get_by_role("status")).to_contain_text("1 problem found, so nothing was imported")
    checked(office)
    office.goto("/setup/people")
    expect(office.get_by_role("link", name="Gil S.")).to_have_count(0)

    right = tmp_path / "people.csv"
    right.write_text(COLUMNS + PEOPLE)
    office.get_by_role("link", name="Import them from a spreadsheet").click()
    _upload(office, right)
    office.get_by_role("button", name="Check every row").click()
    expect(office.get_by_role("status")).to_contain_text("every row is ready to import")
    checked(office)
    office.get_by_role("button", name="Import 2 people").click()
    expect(office.get_by_text("Imported 2 people from people.csv.")).to_be_visible()
    checked(office)
    office.goto("/setup/people")
    for name, outcomes in (
        ("Gil S.", ["Getting out and about"]),
        ("Hana T.", ["Getting out and about", "Looking after myself"]),
    ):
        row = office.get_by_role("row").filter(has=office.get_by_role("link", name=name))
        expect(row.get_by_role("cell").nth(4)).to_have_text("Rae Worker")
        cell = row.get_by_role("cell").nth(5)
        assert sorted(cell.inner_text().split(", ")) == outcomes, name
    checked(office)

    # On the key worker's phone, each imported person is ready to record: ladders, next steps.
    sign_in(phone, WORKER, PASSWORD)
    people = phone.get_by_role("list", name="My people").locator(".name")
    expect(people).to_have_text(["Gil S.", "Hana T."])
    checked(phone)
    phone.get_by_role("list", name="My people").get_by_role("link").nth(1).click()
    expect(phone.get_by_role("heading", level=1, name="Hana T.")).to_be_visible()
    for ladder in ("Getting out and about", "Looking after myself"):
        region = phone.get_by_role("region", name=ladder)
        expect(region.get_by_role("button", name=re.compile("Next step"))).to_be_visible()
    expect(phone.get_by_text("not working on any outcomes yet")).to_have_count(0)
    checked(phone)
