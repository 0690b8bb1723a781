"""On a phone: tapping a rung below the current one asks "Back to '<rung>'?" and only "Yes"
records going back (a setback) — with JavaScript (the browser's own question, online and
offline alike) and without it (a confirm step drawn by the server)."""

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import PHONE, sign_in
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer
from tests.fixtures.offline import (
    export_rows,
    outbox,
    ready_for_offline,
    sync_region,
    wait_until,
    wait_until_outbox_empty,
)

TOP = "Came through the centre's doors on my own"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A demo server of this file's own: going back leaves people on other rungs, which must
    not move the ground under the other browser tests' taps."""
    with fresh_database(tmp_path_factory.mktemp("going-back-db")) as url:
        server = LiveServer(url, str(tmp_path_factory.mktemp("going-back-instance"))).start()
        yield server
        server.stop()


def _phone(browser, server, **options):
    context = browser.new_context(base_url=server.url, service_workers="allow", **PHONE, **options)
    return context, context.new_page()


@pytest.fixture
def phone(browser, own_server):
    """A phone-sized page (360 × 740) on this file's server."""
    context, page = _phone(browser, own_server)
    yield page
    context.close()


@pytest.fixture
def phone_without_javascript(browser, own_server):
    context, page = _phone(browser, own_server, java_script_enabled=False)
    yield page
    context.close()


def _button(ladder, text: str, state: str = ""):
    return ladder.get_by_role("button", name=re.compile(rf"^{re.escape(text)}.*{state}"))


def _unfold(page):
    """A finished ladder folds to one line while others are climbed: open it to go back."""
    summary = page.get_by_text("Getting out and about: top step reached")
    # A tap's answer redraws the ladder inside its fold and leaves the fold as it was: open
    # it only if it is closed (a click on an open one would close it).
    if summary.count() and not summary.evaluate("s => s.parentElement.open"):
        summary.click()


def _open_someone_on_the_ladder(page):
    """Open the first person of My people working on Getting out and about (today's visits
    come first on My people, so who is first depends on the day the demo was made)."""
    page.goto("/")
    links = page.get_by_role("list", name="My people").get_by_role("link")
    for path in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        page.goto(path)
        if page.get_by_text("Getting out and about", exact=False).count():
            return
    raise AssertionError("no one on the caseload works on Getting out and about")


def _stand_on_top(page):
    """Tap the top rung of Getting out and about, so that every other rung is below."""
    _unfold(page)  # already there, from an earlier test on this server
    ladder = page.get_by_role("region", name="Getting out and about")
    _button(ladder, TOP).click()
    expect(page.get_by_role("status")).to_contain_text(TOP)
    _unfold(page)
    expect(_button(ladder, TOP, "Current step")).to_be_visible()
    return ladder


def test_with_javascript_a_lower_rung_asks_and_yes_goes_back(phone):
    sign_in(phone, "worker@example.org")
    _open_someone_on_the_ladder(phone)
    ladder = _stand_on_top(phone)
    status = phone.get_by_role("status")
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    phone.on("dialog", answer)
    _button(ladder, "Took the bus with support").click()  # asked, and "No"
    expect(_button(ladder, TOP, "Current step")).to_be_visible()
    _button(ladder, "Took the bus with support").click()  # asked again, and "Yes"
    expect(status).to_contain_text("Went back to Took the bus with support")
    assert asked == ["Back to ‘Took the bus with support’?"] * 2
    expect(_button(ladder, "Took the bus with support", "Current step")).to_be_visible()
    assert serious_problems(phone) == []


def test_without_javascript_the_server_asks_first(phone_without_javascript):
    page = phone_without_javascript
    sign_in(page, "worker2@example.org")
    _open_someone_on_the_ladder(page)
    ladder = _stand_on_top(page)
    _button(ladder, "Left home with support").click()
    question = page.get_by_role("region", name="Back to ‘Left home with support’?")
    expect(question).to_be_visible()
    expect(page.get_by_role("status")).not_to_contain_text("Saved")
    question.get_by_role("button", name="Yes, back to ‘Left home with support’").click()
    expect(page.get_by_role("status")).to_contain_text("Went back to Left home with support")
    expect(_button(ladder, "Left home with support", "Current step")).to_be_visible()


def test_offline_a_lower_rung_asks_and_is_kept_as_going_back(phone, browser, own_server):
    path = ready_for_offline(phone, "worker@example.org", 1)
    _stand_on_top(phone)
    # The tap the server took is drawn again into the copy kept for offline use.
    wait_until(
        phone,
        "p => caches.match(p).then(r => r ? r.text() : '')"
        '.then(t => /current">\\s*<span class="rung-text">Came through/.test(t))',
        path,
    )
    phone.context.set_offline(True)
    phone.reload()
    asked = []
    # ready_for_offline answers each question yes; note what was asked.
    phone.on("dialog", lambda dialog: asked.append(dialog.message))
    _unfold(phone)
    ladder = phone.get_by_role("region", name="Getting out and about")
    _button(ladder, "Opened the door").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved on this phone")
    assert asked == ["Back to ‘Opened the door’?"]
    expect(sync_region(phone)).to_contain_text("1 waiting to send")
    [kept] = outbox(phone)
    phone.context.set_offline(False)
    wait_until_outbox_empty(phone)
    [row] = [r for r in export_rows(browser, own_server.url) if r["entry_id"] == kept["id"]]
    assert (row["kind"], row["rung"], row["status"]) == ("setback", "Opened the door", "")
