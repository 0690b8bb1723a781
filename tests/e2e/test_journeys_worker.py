"""The worker's journeys on a 360 × 740 phone: the person's page puts the work first, My people
orders and filters, My journey is safe to hand over, the glossary, the activity carried to the
next person only when asked; axe checks every page."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.models.clock import utcnow
from tests.fixtures.axe import checked
from tests.fixtures.browser import PHONE, sign_in
from tests.fixtures.factories import (
    PASSWORD,
    make_activity,
    make_entry,
    make_org,
    make_outcome,
    make_person,
    make_user,
)
from tests.fixtures.live import rows_in

SCREEN = 740
TOP_OF_OUTDOORS = "Came through the centre's doors on my own"


def _people(page):
    return page.get_by_role("list", name="My people")


def _open_someone_climbing(page, outcome: str = "Getting out and about") -> str:
    """Open the first person of My people whose ladder `outcome` is shown, not finished, with
    another ladder still being climbed (when every ladder is finished none folds); return
    their page's path."""
    links = _people(page).get_by_role("link")
    paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for path in paths:
        page.goto(path)
        climbing = page.get_by_role("button", name=re.compile("Next step"))
        if page.get_by_role("region", name=outcome).is_visible() and climbing.count() >= 2:
            return path
    raise AssertionError(f"no one on the caseload is climbing {outcome}")


def test_seen_today_and_the_next_step_are_on_the_first_screen(phone):
    sign_in(phone, "worker@example.org")
    links = _people(phone).get_by_role("link")
    paths = [links.nth(i).get_attribute("href") for i in range(4)]
    for path in paths:
        phone.goto(path)
        seen = phone.get_by_role("button", name=re.compile("^Seen today"))
        expect(seen).to_be_visible()
        checked(phone)
        assert seen.bounding_box()["y"] + seen.bounding_box()["height"] <= SCREEN, path
        next_step = phone.get_by_role("button", name=re.compile("Next step")).first
        if next_step.count():
            box = next_step.bounding_box()
            assert box["y"] + box["height"] <= SCREEN, path
    checked(phone)


def test_a_finished_ladder_folds_and_an_undo_leaves_one_quiet_line(phone):
    sign_in(phone, "worker2@example.org")
    _open_someone_climbing(phone)
    ladder = phone.get_by_role("region", name="Getting out and about")
    ladder.get_by_role("button", name=re.compile("^" + re.escape(TOP_OF_OUTDOORS))).click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved")
    # Nothing left to climb: the ladder folds to one line, and opens for a correction.
    folded = phone.get_by_text("Getting out and about: top step reached")
    expect(folded).to_be_visible()
    expect(ladder).to_be_hidden()
    checked(phone)

    status.get_by_role("button", name="Undo").click()
    expect(status).to_have_text(re.compile(r"^\s*Removed\s*$"))
    expect(status.locator("p")).to_have_count(1)
    expect(phone.get_by_role("region", name="Getting out and about")).to_be_visible()
    expect(phone.get_by_text("Removed", exact=True)).to_have_count(1)
    # In Recent, the undone step is one struck-through line; the removal adds no second one.
    recent = phone.get_by_role("region", name="Recent")
    expect(recent.get_by_role("listitem").first).to_contain_text(TOP_OF_OUTDOORS)
    expect(recent.get_by_role("listitem").first).to_contain_text("removed")
    expect(recent.get_by_text("Removed an entry")).to_have_count(0)
    checked(phone)


def test_the_activity_chosen_for_one_person_is_not_carried_to_the_next(phone):
    sign_in(phone, "worker@example.org")
    links = _people(phone).get_by_role("link")
    first, second = links.nth(2).get_attribute("href"), links.nth(3).get_attribute("href")
    phone.goto(second)
    ticked = phone.get_by_role("radio", checked=True)
    expect(ticked).to_have_count(1)
    ticked_before = ticked.get_attribute("value")

    phone.goto(first)
    radios = phone.get_by_role("group", name="Activity").get_by_role("radio")
    other = next(
        radios.nth(i)
        for i in range(radios.count())
        if radios.nth(i).get_attribute("value") != ticked_before
    )
    other.check(force=True)
    phone.get_by_role("button", name=re.compile("^Seen today")).click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved")
    checked(phone)
    # Undone at once, so the caseload's order stays as the other tests expect it.
    status.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text("Removed")

    phone.goto(second)
    expect(phone.get_by_role("radio", checked=True)).to_have_attribute("value", ticked_before)
    checked(phone)


def test_my_people_orders_by_not_seen_longest_and_filters_by_days(phone):
    sign_in(phone, "worker@example.org")
    names = _people(phone).locator(".name")
    usual = names.all_inner_texts()
    assert len(usual) >= 10
    phone.get_by_text("Order and filters").click()
    phone.get_by_label("Order").select_option(label="Not seen longest first")
    expect(names.first).to_have_text(usual[-1])
    checked(phone)

    # Who has gone 7 days or more unseen, read from the list as the worker sees it.
    metas = _people(phone).locator(".meta").all_inner_texts()
    recent = re.compile(r"seen (today|yesterday|[1-6] days ago)")
    longest = names.all_inner_texts()
    expected = [name for name, meta in zip(longest, metas, strict=True) if not recent.search(meta)]
    phone.get_by_label("Not seen for").select_option(label="7 days or more")
    phone.get_by_role("button", name="Show").click()
    expect(phone).to_have_url(re.compile(r"seen=7"))
    if expected:
        expect(names).to_have_text(expected)
    else:
        expect(_people(phone)).to_have_text(re.compile("No one matches with these filters"))
    # The search box keeps its width beside its button at 360 px.
    search = phone.get_by_role("searchbox", name="Search by name or reference")
    assert search.bounding_box()["width"] >= 150
    checked(phone)


def test_my_journey_can_be_handed_over_and_printed(phone):
    sign_in(phone, "worker@example.org")
    _people(phone).get_by_role("link").nth(4).click()
    phone.get_by_role("link", name="My journey").click()
    expect(phone.get_by_role("heading", level=1, name=re.compile("journey$"))).to_be_visible()
    # No tap on this page can open the caseload: no menu, no home link, no sign-out.
    expect(phone.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(phone.get_by_role("link", name="My people")).to_have_count(0)
    expect(phone.get_by_role("link", name="Stepladder home")).to_have_count(0)
    expect(phone.get_by_role("button", name="Sign out")).to_have_count(0)
    checked(phone)
    phone.evaluate("window.print = () => { window.printed = true; }")
    phone.get_by_role("button", name="Print this certificate").click()
    assert phone.evaluate("window.printed") is True
    phone.get_by_role("link", name="Done: back to the worker").click()
    expect(phone.get_by_role("button", name=re.compile("^Seen today"))).to_be_visible()
    checked(phone)


def test_the_glossary_explains_the_words(phone):
    sign_in(phone, "worker@example.org")
    checked(phone).get_by_role("link", name="What the words mean").click()
    expect(phone.get_by_role("heading", level=1, name="What the words mean")).to_be_visible()
    terms = phone.locator(".glossary dt").all_inner_texts()
    for word in (
        "Step",
        "Rung",
        "Ladder",
        "Contact",
        "Setback",
        "Sent later from an offline phone",
    ):
        assert word in terms
    checked(phone)


def test_a_worker_who_asks_keeps_the_activity_for_the_next_person(phone, browser, live_server):
    # An organisation of its own: both people last seen with Doorstep support.
    with rows_in(live_server):
        org = make_org("Lakeside Outreach")
        worker = make_user(org, "worker", email="worker@lakeside.example.org")
        outcome = make_outcome(org, "Getting out and about")
        doorstep = make_activity(org, "Doorstep support", [outcome])
        make_activity(org, "Travel training", [outcome])
        for days, name in ((2, "Jo K."), (3, "Kit L.")):
            person = make_person(org, [worker], [outcome], display_name=name)
            make_entry(person, worker, at=utcnow() - timedelta(days=days), activity_id=doorstep.id)

    def open_person(page, name):
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My people").click()
        _people(page).get_by_role("link", name=re.compile("^" + re.escape(name))).click()
        expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()

    sign_in(phone, "worker@lakeside.example.org", PASSWORD)
    open_person(phone, "Jo K.")
    keep = phone.get_by_role("checkbox", name="Keep for the next person")
    expect(phone.get_by_role("radio", name="Doorstep support")).to_be_checked()
    expect(keep).not_to_be_checked()
    checked(phone)
    phone.get_by_role("radio", name="Travel training").check(force=True)
    keep.check()
    phone.get_by_role("button", name=re.compile("^Seen today")).click()
    expect(phone.get_by_role("status")).to_contain_text("Saved")
    expect(keep).to_be_checked()
    checked(phone)

    # The next person: Travel training is carried over, as asked, and the box stays ticked.
    open_person(phone, "Kit L.")
    expect(phone.get_by_role("radio", name="Travel training")).to_be_checked()
    expect(keep).to_be_checked()
    checked(phone)

    # Remembered for the worker, not for one page or phone: another phone shows it too.
    other = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        second = other.new_page()
        sign_in(second, "worker@lakeside.example.org", PASSWORD)
        open_person(second, "Kit L.")
        expect(second.get_by_role("radio", name="Travel training")).to_be_checked()
        expect(second.get_by_role("checkbox", name="Keep for the next person")).to_be_checked()
        checked(second)
    finally:
        other.close()

    # Unticked: the next person's page goes back to the activity last used with them.
    keep.uncheck()
    phone.get_by_role("radio", name="Doorstep support").check(force=True)
    phone.get_by_role("button", name=re.compile("^Seen today")).click()
    expect(phone.get_by_role("status")).to_contain_text("Saved")
    expect(keep).not_to_be_checked()
    open_person(phone, "Jo K.")
    expect(phone.get_by_role("radio", name="Travel training")).to_be_checked()
    expect(keep).not_to_be_checked()
    checked(phone)
