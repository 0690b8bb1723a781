"""The office roles' journeys at 1280 × 800: the supervisor's Overview, the admin's ladders,
activities and guided set-up, and the app's own error pages; axe checks every page visited."""

import re
import subprocess
import sys
from datetime import datetime

from playwright.sync_api import expect

from tests.fixtures.axe import checked
from tests.fixtures.browser import sign_in
from tests.fixtures.offline import wait_until

NEW_ADMIN = "admin@eastgate.example.org"
NEW_PASSWORD = "lanterns by the canal"


def test_a_person_opened_from_the_overview_is_one_whole_page(office):
    sign_in(office, "supervisor@example.org")
    office.goto("/overview/")
    feed = office.get_by_role("list", name="Recent entries")
    link = feed.get_by_role("link").first
    name = link.inner_text()
    link.click()
    expect(office.get_by_role("heading", level=1, name=name)).to_be_visible()
    # One page: one header, one menu, one sign-out, one main heading.
    expect(office.get_by_role("button", name="Sign out")).to_have_count(1)
    expect(office.get_by_role("navigation", name="Main")).to_have_count(1)
    expect(office.get_by_role("heading", level=1)).to_have_count(1)
    checked(office)

    office.go_back()
    attention = office.get_by_role("region", name="Needs attention")
    expect(attention).to_be_visible()
    checked(office)
    someone = attention.get_by_role("link").first
    name = someone.inner_text()
    someone.click()
    expect(office.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(office.get_by_role("button", name="Sign out")).to_have_count(1)
    expect(office.get_by_role("heading", level=1)).to_have_count(1)
    checked(office)


def test_the_overview_leads_with_attention_and_keeps_to_its_filters(office):
    sign_in(office, "supervisor@example.org")
    office.goto("/overview/")
    attention = office.get_by_role("heading", level=2, name="Needs attention")
    recent = office.get_by_role("heading", level=2, name="Recent entries")
    assert attention.bounding_box()["y"] < recent.bounding_box()["y"]
    assert attention.bounding_box()["y"] < 800
    checked(office)

    # Only workers are offered in the Worker filter.
    options = office.get_by_label("Worker").locator("option").all_inner_texts()
    assert options == ["Everyone", "Priya Worker", "Sam Worker"]

    # The feed is in the order entries happened, newest first.
    times = (
        office.get_by_role("list", name="Recent entries")
        .locator("time")
        .evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    )
    # Compared as times, not as text: "…:21Z" sorts after "…:21.535Z" as text.
    moments = [datetime.fromisoformat(t) for t in times]
    assert moments == sorted(moments, reverse=True) and len(moments) > 1

    # The breakdown tables stay inside the page at 1280 and at 768 px.
    for width in (1280, 768):
        office.set_viewport_size({"width": width, "height": 800})
        wide = office.evaluate(
            """() => [...document.querySelectorAll('.breakdowns table')]
                 .filter(t => t.closest('.table-scroll').getBoundingClientRect().right
                              > document.documentElement.clientWidth + 1).length"""
        )
        assert wide == 0, width
        assert office.evaluate("document.documentElement.scrollWidth") <= width
        checked(office)
    office.set_viewport_size({"width": 1280, "height": 800})

    # A date range applies to the cards at the top, not only to the tables below.
    office.get_by_label("From", exact=True).fill("2026-01-01")
    office.get_by_label("To", exact=True).fill("2026-01-31")
    office.get_by_role("button", name="Apply filters").click()
    expect(
        office.get_by_role("region", name="Steps from 1 Jan 2026 to 31 Jan 2026")
    ).to_be_visible()
    expect(office.get_by_role("region", name="Steps today")).to_have_count(0)
    checked(office)


def test_the_raw_export_is_reached_from_the_overview(office):
    sign_in(office, "supervisor@example.org")
    office.goto("/overview/")
    office.get_by_role("link", name="Export entries (CSV)").click()
    expect(office.get_by_role("heading", level=1, name="Export entries")).to_be_visible()
    checked(office)
    office.get_by_label("From", exact=True).fill("2026-01-01")
    office.get_by_label("To", exact=True).fill("2026-03-31")
    with office.expect_download() as download:
        office.get_by_role("button", name="Download entries CSV").click()
    assert download.value.suggested_filename == "stepladder-entries-2026-01-01-to-2026-03-31.csv"

    # Without dates, the export answers its own page with the problem in words.
    response = office.goto("/export/entries.csv")
    assert response.status == 400
    expect(office.get_by_role("alert")).to_contain_text("Give the period")
    expect(office.get_by_label("From", exact=True)).to_be_visible()
    checked(office)


def test_error_pages_are_the_apps_own_with_a_way_back(office, phone):
    sign_in(office, "admin@example.org")
    response = office.goto("/no-such-page")
    assert response.status == 404
    expect(office.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(office.get_by_role("navigation", name="Main")).to_be_visible()
    checked(office)
    office.get_by_role("link", name="Back to the start").click()
    expect(office.get_by_role("heading", level=1, name=re.compile("Set-up|Set up"))).to_be_visible()
    checked(office)

    response = office.goto("/setup/finish")
    assert response.status == 405
    expect(office.get_by_role("heading", level=1, name="That page cannot be opened this way"))
    expect(office.get_by_role("link", name="Back to the start")).to_be_visible()
    checked(office)

    sign_in(phone, "worker@example.org")
    response = phone.goto("/overview/")
    assert response.status == 403
    expect(phone.get_by_role("heading", level=1, name="You do not have access to this page"))
    checked(phone)
    phone.get_by_role("link", name="Back to the start").click()
    expect(phone.get_by_role("list", name="My people")).to_be_visible()
    checked(phone)


def test_reloading_after_a_form_error_shows_the_form_again(office):
    sign_in(office, "admin@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(office.get_by_role("heading", level=1, name="Reports")).to_be_visible()
    checked(office)
    office.get_by_role("link", name="Set up City Council Mental Health Fund").click()
    heading = office.get_by_role("heading", level=1, name="Set up City Council Mental Health Fund")
    expect(heading).to_be_visible()
    # Nothing filled in: the indicator form answers with its problem, on the funder's page.
    office.get_by_role("button", name="Add indicator").click()
    expect(office.get_by_role("alert")).to_contain_text("The indicator was not added")
    checked(office)
    response = office.reload()
    assert response.status == 200
    expect(heading).to_be_visible()
    expect(office.get_by_text("Method Not Allowed")).to_have_count(0)
    checked(office)


def test_ladder_arrows_move_a_rung_the_way_they_point(office):
    sign_in(office, "admin@example.org")
    office.goto("/setup/outcomes")
    checked(office).get_by_role("link", name="Getting out and about").click()
    office.get_by_label("New step").fill("Went to the shop alone")
    office.get_by_role("button", name="Add step").click()
    ladder = office.locator("ol.setup-rungs > li")
    expect(ladder.first).to_contain_text("Went to the shop alone")
    # The top rung cannot go higher: no ↑ for it.
    expect(office.get_by_role("button", name="Move “Went to the shop alone” up")).to_have_count(0)
    checked(office)

    office.get_by_role("button", name="Move “Went to the shop alone” down").click()
    expect(ladder.nth(1)).to_contain_text("Went to the shop alone")
    expect(ladder.first).to_contain_text("Came through the centre's doors on my own")
    office.get_by_role("button", name="Move “Went to the shop alone” up").click()
    expect(ladder.first).to_contain_text("Went to the shop alone")

    # Leave the demo's ladder as it was for the other tests.
    office.get_by_role("button", name="Retire “Went to the shop alone”").click()
    expect(ladder.first).to_contain_text("Came through the centre's doors on my own")


def _create_organisation(live_server, name="Eastgate Outreach", admin=NEW_ADMIN) -> None:
    """A new, empty organisation in the live server's database, the way an operator makes one."""
    subprocess.run(
        [sys.executable, "-m", "app.cli", "create-organisation", name] + ["--admin-email", admin],
        env=dict(live_server.env, STEPLADDER_ADMIN_PASSWORD=NEW_PASSWORD),
        check=True,
        capture_output=True,
    )


def test_set_up_in_the_order_that_works_keeps_a_renamed_activitys_links(office, live_server):
    _create_organisation(live_server)
    sign_in(office, NEW_ADMIN, NEW_PASSWORD)
    steps = office.get_by_role("navigation", name="Set-up steps").get_by_role("listitem")
    expect(steps).to_have_text(
        [
            re.compile("What the service does"),
            re.compile("The outcomes that matter"),
            re.compile("How they link"),
            re.compile("Staff"),
            re.compile("Funders"),
            re.compile("Who it does it with"),
        ]
    )
    checked(office)

    office.get_by_role("link", name="Start: What the service does").click()
    office.get_by_label("Name for “1:1 session”").fill("One-to-one")
    office.get_by_role("button", name="Keep these activities").click()
    expect(office.get_by_label("Name of “One-to-one”")).to_be_visible()
    checked(office)
    office.get_by_role("link", name="Next: The outcomes that matter").click()
    office.get_by_role("button", name="Add the ticked outcomes").click()
    expect(office.get_by_role("link", name="Looking after myself")).to_be_visible()
    checked(office)

    office.get_by_role("link", name="Next: How they link").click()
    renamed = office.get_by_role("checkbox", name="One-to-one serves Looking after myself")
    expect(renamed).to_be_checked()
    checked(office)

    # The glossary is a tap away on the set-up pages.
    expect(office.get_by_role("link", name="What the words mean")).to_be_visible()

    # Staff, then the people last, given their ladder and key worker many at a time.
    office.get_by_role("link", name="Next: Staff").click()
    office.get_by_label("Name", exact=True).fill("Rae Worker")
    office.get_by_label("Email").fill("rae@eastgate.example.org")
    office.get_by_label("Role").select_option("worker")
    office.get_by_label("Initial password").fill("copper kettle morning")
    office.get_by_role("button", name="Add member of staff").click()
    expect(office.get_by_role("link", name="Rae Worker")).to_be_visible()
    checked(office)
    office.goto("/setup/people")
    checked(office)
    for name, reference in (("Uma B.", "EG-1"), ("Vic C.", "EG-2")):
        office.get_by_role("link", name="Add a person").click()
        office.get_by_label("Name or pseudonym").fill(name)
        office.get_by_label("Reference").fill(reference)
        office.get_by_role("button", name="Add person").click()
        expect(office.get_by_role("link", name=name)).to_be_visible()
    office.get_by_role("checkbox", name="Choose Uma B.").check()
    office.get_by_role("checkbox", name="Choose Vic C.").check()
    give = office.get_by_role("region", name="Give the ticked people")
    give.get_by_role("checkbox", name="Getting out and about").check()
    give.get_by_role("checkbox", name="Rae Worker").check()
    give.get_by_role("button", name="Give to the ticked people").click()
    for name in ("Uma B.", "Vic C."):
        row = office.get_by_role("row").filter(has=office.get_by_role("link", name=name))
        expect(row).to_contain_text("Rae Worker")
        expect(row).to_contain_text("Getting out and about")
    checked(office)


def test_the_audit_trail_reads_in_words(office):
    sign_in(office, "admin@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    person = office.get_by_role("list", name="People").get_by_role("link").first
    name = person.locator(".name").inner_text()
    checked(office)
    person.click()
    expect(office.get_by_role("heading", level=1, name=name)).to_be_visible()
    checked(office)
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    first_row = office.get_by_role("row").nth(1)
    expect(first_row).to_contain_text(f"opened {name}'s page")
    expect(first_row).to_contain_text("Alex Admin (admin)")
    expect(office.get_by_label("Offline copies")).to_have_value("")
    checked(office)
    office.get_by_label("Offline copies").select_option(label="Shown")
    office.get_by_role("button", name="Filter").click()
    expect(office).to_have_url(re.compile("copies=show"))
    expect(office.get_by_label("Offline copies")).to_have_value("show")
    checked(office)


def test_the_people_list_filters_by_key_worker(office, phone):
    sign_in(phone, "worker2@example.org")
    caseload = set(phone.get_by_role("list", name="My people").locator(".name").all_inner_texts())
    sign_in(office, "supervisor@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    checked(office).get_by_text("Order and filters").click()
    office.get_by_role("link", name=re.compile("^More filters")).click()
    office.get_by_label("Key worker").select_option(label="Priya Worker")
    office.get_by_role("button", name="Show").click()
    expect(office).to_have_url(re.compile(r"worker=\d+"))
    names = office.get_by_role("list", name="People").locator(".name")
    expect(names).to_have_count(len(caseload))
    assert set(names.all_inner_texts()) == caseload
    checked(office)


def test_the_indicator_form_shows_only_what_its_kind_needs(office):
    sign_in(office, "admin@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    office.get_by_role("link", name="Set up City Council Mental Health Fund").click()
    kind = office.get_by_label("What to count")
    outcome, rung = (
        office.get_by_label("Outcome", exact=True),
        office.get_by_label("Rung", exact=True),
    )
    activity = office.get_by_label("Activity", exact=True)
    kind.select_option(label="People supported")
    for field in (outcome, rung, activity):
        expect(field).to_be_hidden()
    kind.select_option(label="People who reached a given rung")
    expect(rung).to_be_visible()
    expect(outcome).to_be_hidden()
    kind.select_option(label="Contacts delivered (visits: one person on one day)")
    expect(activity).to_be_visible()
    expect(rung).to_be_hidden()
    checked(office)


def test_the_audit_trail_hides_offline_copies_until_asked(office, phone):
    # A worker's phone keeps copies of the caseload's pages: each is an offline-copy event.
    sign_in(phone, "worker@example.org")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    person = phone.get_by_role("list", name="My people").get_by_role("link").first
    path = person.get_attribute("href")
    wait_until(phone, "p => caches.match(p).then(Boolean)", path)

    sign_in(office, "admin@example.org")
    office.goto("/audit/")
    office.get_by_label("User").select_option(label="Sam Worker (worker@example.org)")
    office.get_by_role("button", name="Filter").click()
    rows = office.get_by_role("row")
    expect(rows.filter(has_text="Sam Worker")).not_to_have_count(0)
    copies = rows.filter(has_text="kept an offline copy of")
    expect(copies).to_have_count(0)
    checked(office)

    office.get_by_label("Offline copies").select_option(label="Shown")
    office.get_by_role("button", name="Filter").click()
    expect(office).to_have_url(re.compile("copies=show"))
    expect(copies.first).to_contain_text("page on their phone")
    expect(copies.first).to_contain_text("Sam Worker")
    checked(office)


def test_how_they_link_is_not_done_once_an_activity_serves_no_outcome(office, live_server):
    admin = "admin@westgate.example.org"
    _create_organisation(live_server, "Westgate Outreach", admin)
    sign_in(office, admin, NEW_PASSWORD)
    steps = office.get_by_role("navigation", name="Set-up steps")
    office.get_by_role("link", name="Start: What the service does").click()
    office.get_by_label("Name for “1:1 session”").fill("One-to-one")
    office.get_by_role("button", name="Keep these activities").click()
    office.get_by_role("link", name="Next: The outcomes that matter").click()
    office.get_by_role("button", name="Add the ticked outcomes").click()
    office.get_by_role("link", name="Next: How they link").click()
    done = steps.get_by_role("link", name=re.compile("How they link.*done"))
    expect(done).to_be_visible()

    # The renamed activity loses every link: the step is no longer done.
    links = office.get_by_role("checkbox", name=re.compile("^One-to-one serves "))
    expect(links).not_to_have_count(0)
    for n in range(links.count()):
        links.nth(n).uncheck()
    office.get_by_role("button", name="Save links").click()
    expect(
        office.get_by_role("checkbox", name=re.compile("^One-to-one serves "), checked=True)
    ).to_have_count(0)
    expect(done).to_have_count(0)
    expect(steps.get_by_role("link", name=re.compile("^How they link"))).to_be_visible()
    checked(office)


def test_the_indicator_form_refuses_an_outcome_the_funder_does_not_fund(office):
    sign_in(office, "admin@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    office.get_by_role("link", name="Set up City Council Mental Health Fund").click()
    funded = office.get_by_role("group", name=re.compile("^Outcomes it funds"))
    expect(funded.get_by_role("checkbox", name="Work and learning")).not_to_be_checked()
    office.get_by_label("What to count").select_option(label="People with a setback")
    office.get_by_role("textbox", name="Name in the report").fill("Setbacks at work")
    office.get_by_label("Outcome", exact=True).select_option(label="Work and learning")
    office.get_by_role("button", name="Add indicator").click()
    expect(office.get_by_role("alert")).to_contain_text(
        "City Council Mental Health Fund does not fund that outcome; choose one it funds."
    )
    expect(office.get_by_text("Setbacks at work", exact=True)).to_have_count(0)
    checked(office)


def test_the_people_list_filters_by_ladder(office):
    sign_in(office, "admin@example.org")
    # Who works on "Work and learning", read from the set-up table of people and their outcomes.
    office.goto("/setup/people")
    rows = office.locator("table tbody tr").evaluate_all(
        "trs => trs.map(tr => [...tr.cells].map(td => td.innerText.trim()))"
    )
    expected = {cells[1] for cells in rows if "Work and learning" in cells[5].split(", ")}
    everyone = {cells[1] for cells in rows if cells[3] == "Active"}
    assert 0 < len(expected) < len(everyone)

    office.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    office.get_by_text("Order and filters").click()
    office.get_by_role("link", name=re.compile("^More filters")).click()
    office.get_by_label("Ladder", exact=True).select_option(label="Work and learning")
    office.get_by_role("button", name="Show").click()
    expect(office).to_have_url(re.compile(r"outcome=\d+"))
    names = office.get_by_role("list", name="People").locator(".name")
    expect(names).to_have_count(len(expected & everyone))
    assert set(names.all_inner_texts()) == expected & everyone
    checked(office)


def test_the_set_up_pages_hint_in_one_line_where_they_are_needed(office):
    sign_in(office, "admin@example.org")
    hints = {
        "/setup/activities": "Name them as workers say them",
        "/setup/outcomes": "A ladder's rungs go from the first small step at the bottom",
        "/setup/links": "Every activity should serve at least one outcome",
        "/setup/people": "Give each person their key worker and the outcomes they work on",
    }
    for path, words in hints.items():
        office.goto(path)
        hint = office.get_by_text(re.compile("^" + re.escape(words)))
        expect(hint).to_be_visible()
        # On the first screen, under the page's heading, with the glossary a tap away.
        heading = office.get_by_role("heading", level=1)
        assert heading.bounding_box()["y"] < hint.bounding_box()["y"] < 800, path
        expect(hint.get_by_role("link", name="What the words mean")).to_be_visible()
        checked(office)

    # A field's hint is read out with the field.
    office.goto("/setup/outcomes")
    office.get_by_role("link", name="Getting out and about").click()
    expect(office.get_by_label("New step")).to_have_accessible_description(
        "Added at the top of the ladder; move it down if it belongs lower."
    )
    checked(office)
