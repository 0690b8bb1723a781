"""The guided first set-up in a real browser: a new organisation's admin, at 1280 × 800."""

import re
import subprocess
import sys

from playwright.sync_api import expect

from tests.fixtures.axe import checked
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import PASSWORD as FACTORY_PASSWORD
from tests.fixtures.factories import make_activity, make_org, make_outcome, make_user
from tests.fixtures.live import rows_in

EMAIL = "admin@northside.example.org"
PASSWORD = "river stones and moss"


def _create_organisation(live_server) -> None:
    """Make a new, empty organisation in the live server's database, the way an operator does."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "create-organisation",
            "Northside Outreach",
            "--admin-email",
            EMAIL,
        ],
        env=dict(live_server.env, STEPLADDER_ADMIN_PASSWORD=PASSWORD),
        check=True,
        capture_output=True,
        text=True,
    )


def test_admin_of_a_new_organisation_goes_through_the_guided_set_up(office, live_server):
    _create_organisation(live_server)
    page = office
    sign_in(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Set up Northside Outreach")).to_be_visible()
    steps = page.get_by_role("navigation", name="Set-up steps")
    expect(steps.get_by_role("link")).to_have_count(6)
    checked(page)

    # 1. What the service does: keep the template's activities, renaming one, dropping one.
    page.get_by_role("link", name="Start: What the service does").click()
    expect(page.get_by_role("heading", level=1, name="What the service does")).to_be_visible()
    page.get_by_label("Name for “1:1 session”").fill("One-to-one")
    page.get_by_label("Keep “Drop-in group”").uncheck()
    page.get_by_role("button", name="Keep these activities").click()
    expect(page.get_by_label("Name of “One-to-one”")).to_be_visible()
    expect(page.get_by_label("Name of “Drop-in group”")).to_have_count(0)
    checked(page)

    # 2. The outcomes that matter: the template ladders, pre-ticked.
    page.get_by_role("link", name="Next: The outcomes that matter").click()
    library = page.get_by_role("group", name="Outcomes to add, with their ladders")
    expect(library.get_by_role("checkbox", name="Getting out and about")).to_be_checked()
    library.get_by_role("checkbox", name="Work and learning").uncheck()
    page.get_by_role("button", name="Add the ticked outcomes").click()
    expect(page.get_by_role("link", name="Getting out and about")).to_be_visible()
    expect(page.get_by_role("link", name="Work and learning")).to_have_count(0)
    checked(page)

    # 3. How they link: prefilled from the template.
    page.get_by_role("link", name="Next: How they link").click()
    travel = page.get_by_role("checkbox", name="Travel training serves Getting out and about")
    expect(travel).to_be_checked()
    one_to_one = page.get_by_role("checkbox", name="One-to-one serves Getting out and about")
    one_to_one.check()
    page.get_by_role("button", name="Save links").click()
    expect(one_to_one).to_be_checked()
    checked(page)

    # 4. Staff: the first worker.
    page.get_by_role("link", name="Next: Staff").click()
    page.get_by_label("Name", exact=True).fill("Sky Worker")
    page.get_by_label("Email").fill("sky@northside.example.org")
    page.get_by_label("Role").select_option("worker")
    page.get_by_label("Initial password").fill("lantern kettle orchard")
    page.get_by_role("button", name="Add member of staff").click()
    expect(page.get_by_role("link", name="Sky Worker")).to_be_visible()
    expect(steps.get_by_role("link", name=re.compile("Staff.*done"))).to_be_visible()
    checked(page)

    # 5. Funders: skipped for now; 6. the people, last, with their key worker and outcome.
    page.get_by_role("link", name="Next: Funders").click()
    expect(page.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    checked(page)
    page.get_by_role("link", name="Skip this step: Who it does it with").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Name or pseudonym").fill("Mo T.")
    page.get_by_label("Reference").fill("NS-1")
    page.get_by_role("group", name="Key workers").get_by_role("checkbox", name="Sky Worker").check()
    outcomes = page.get_by_role("group", name="Outcomes they are working on")
    outcomes.get_by_role("checkbox", name="Getting out and about").check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("link", name="Mo T.")).to_be_visible()
    checked(page)

    page.get_by_role("button", name="Finish set-up").click()
    expect(page.get_by_role("heading", level=1, name="Set-up")).to_be_visible()
    expect(page.get_by_role("navigation", name="Set-up steps")).to_have_count(0)
    expect(page.get_by_role("link", name="Organisation settings")).to_be_visible()
    checked(page)


def test_the_funders_step_adds_a_funder_and_its_indicators(office, live_server):
    # Steps 1 to 4 already done, made with the factories: this test is about step 5.
    with rows_in(live_server):
        org = make_org("Harbourside Outreach", setup_done=False)
        make_user(org, "admin", email="admin@harbourside.example.org")
        make_user(org, "worker", email="worker@harbourside.example.org")
        outdoors = make_outcome(org, "Getting out and about")
        make_outcome(org, "Work and learning")
        make_activity(org, "Doorstep support", [outdoors])
        make_activity(org, "Travel training", [outdoors])
    sign_in(office, "admin@harbourside.example.org", FACTORY_PASSWORD)
    steps = office.get_by_role("navigation", name="Set-up steps")
    expect(steps.get_by_role("link", name=re.compile("Staff.*done"))).to_be_visible()
    expect(steps.get_by_role("link", name=re.compile("Funders.*done"))).to_have_count(0)
    checked(office)

    steps.get_by_role("link", name=re.compile("^Funders")).click()
    expect(office.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    expect(office.get_by_text("Guided set-up: step 5 of 6")).to_be_visible()
    expect(office.get_by_role("list", name="Funders")).to_contain_text("No funders are set up yet.")
    expect(office.get_by_role("link", name="Skip this step: Who it does it with")).to_be_visible()
    checked(office)

    office.get_by_role("link", name="Add a funder").click()
    office.get_by_label("Name", exact=True).fill("Harbour Health Fund")
    office.get_by_label("Funding starts (optional)").fill("2026-04-01")
    office.get_by_label("Funding ends (optional)").fill("2027-03-31")
    office.get_by_role("group", name="Activities it funds").get_by_role(
        "checkbox", name="Doorstep support"
    ).check()
    office.get_by_role("group", name=re.compile("^Outcomes it funds")).get_by_role(
        "checkbox", name="Getting out and about"
    ).check()
    checked(office)
    office.get_by_role("button", name="Add funder").click()
    heading = office.get_by_role("heading", level=1, name="Set up Harbour Health Fund")
    expect(heading).to_be_visible()
    expect(office.get_by_text("Now add the indicators it counts.")).to_be_visible()
    checked(office)

    adding = office.locator("form").filter(
        has=office.get_by_role("heading", name="Add an indicator")
    )
    for kind, name, target in (
        ("People supported", "People supported", "40"),
        ("People who climbed at least a given number of rungs", "People who got out more", "15"),
    ):
        adding.get_by_label("What to count").select_option(label=kind)
        adding.get_by_role("textbox", name="Name in the report").fill(name)
        if kind != "People supported":
            adding.get_by_label("Outcome", exact=True).select_option(label="Getting out and about")
        adding.get_by_label("Target (optional)").fill(target)
        adding.get_by_role("button", name="Add indicator").click()
        expect(heading).to_be_visible()
        indicators = office.locator("ol.indicator-list > li")
        expect(indicators.filter(has_text=name)).to_contain_text(f"target {target}")
    checked(office)

    # Back at the step: done, its funder listed with both indicators, the way on is the people.
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(steps.get_by_role("link", name=re.compile("Funders.*done"))).to_be_visible()
    funder = office.get_by_role("list", name="Funders").get_by_role("listitem")
    expect(funder).to_have_count(1)
    expect(funder).to_contain_text("Harbour Health Fund")
    expect(funder).to_contain_text("2 indicators")
    expect(funder).to_contain_text("funded from 1 Apr 2026 to 31 Mar 2027")
    office.get_by_role("link", name="Next: Who it does it with").click()
    expect(
        office.get_by_role("heading", level=1, name="Who the service works with")
    ).to_be_visible()
    checked(office)
