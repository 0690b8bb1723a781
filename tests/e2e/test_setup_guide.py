"""The guided first set-up in a real browser: a new organisation's admin, at 1280 × 800."""

import re
import subprocess
import sys

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.fixtures.axe import checked

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
