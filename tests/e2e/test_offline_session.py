"""Offline copies die with the session: a session ended without signing out on the phone
(an admin deactivates the worker, or nothing is heard from the server for longer than the
idle timeout) leaves no personal page that the phone will show without signal; a link to
the signed-out page while still signed in wipes nothing (docs/offline.md)."""

import pytest
from playwright.sync_api import expect

from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import PHONE, sign_in
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer
from tests.fixtures.offline import (
    outbox,
    ready_for_offline,
    rung_buttons,
    sync_region,
    wait_until,
)

KEPT_PAGES = """() => caches.keys().then(names => Promise.all(
    names.filter(n => n.startsWith('stepladder-pages-'))
         .map(n => caches.open(n).then(c => c.keys()))))
    .then(lists => lists.flat().map(r => new URL(r.url).pathname))"""


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of this module's own: these tests deactivate a demo worker."""
    with fresh_database(tmp_path_factory.mktemp("session-db")) as url:
        server = LiveServer(url, str(tmp_path_factory.mktemp("session-instance"))).start()
        yield server
        server.stop()


@pytest.fixture
def phone(browser, own_server):
    context = browser.new_context(base_url=own_server.url, service_workers="allow", **PHONE)
    yield context.new_page()
    context.close()


KEPT_SINCE = """([path, since]) => caches.keys().then(names => Promise.all(
    names.filter(n => n.startsWith('stepladder-pages-'))
         .map(n => caches.open(n).then(c => c.match(path)))))
    .then(copies => copies.some(copy => copy &&
        Number(copy.headers.get('X-Stepladder-Kept-At')) >= since))"""


def _kept(page) -> list[str]:
    return page.evaluate(KEPT_PAGES)


def _user_id(page) -> str:
    return page.locator("[data-outbox]").get_attribute("data-user")


def test_pages_kept_in_a_session_an_admin_ended_are_not_shown_offline(phone, browser, own_server):
    path = ready_for_offline(phone, "worker@example.org", 2)
    name = phone.get_by_role("heading", level=1).inner_text()
    worker_id = _user_id(phone)
    # While the session is live, the copy opens without signal (so the test can fail).
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", level=1, name=name)).to_be_visible()
    phone.context.set_offline(False)

    # An admin deactivates the worker on another computer; the phone does not sign out.
    office = browser.new_context(base_url=own_server.url, viewport={"width": 1280, "height": 800})
    try:
        admin = office.new_page()
        sign_in(admin, "admin@example.org")
        admin.goto(f"/setup/staff/{worker_id}")
        admin.on("dialog", lambda dialog: dialog.accept())  # "Stop … signing in?"
        admin.get_by_role("button", name="Deactivate").click()
        expect(admin.get_by_text("can no longer sign in")).to_be_visible()
    finally:
        office.close()

    # The phone comes back to the front: its session check hears that the session is gone.
    phone.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    wait_until(phone, f"() => ({KEPT_PAGES})().then(paths => paths.length === 0)")

    phone.context.set_offline(True)
    phone.goto(path)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("No signal")
    expect(phone.get_by_role("heading", level=1, name=name)).to_have_count(0)
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("No signal")
    expect(phone.get_by_role("list", name="My people")).to_have_count(0)


def test_pages_kept_in_a_session_that_went_quiet_past_the_idle_timeout_are_not_shown(phone):
    sign_in(phone, "worker2@example.org")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    people = phone.get_by_role("list", name="My people").get_by_role("link")
    caseload = [people.nth(i).get_attribute("href") for i in range(people.count())]
    # Every answer the service worker reads says the session is live, so none may still be on
    # its way when the session is made to look quiet below. My people asks for the whole
    # caseload: wait until every person page is kept (My people's own copy is not one of them).
    wait_until(
        phone,
        f"paths => ({KEPT_PAGES})().then(kept => paths.every(p => kept.includes(p)))",
        caseload,
    )
    path = caseload[1]
    name = people.nth(1).locator(".name").inner_text()
    clicked_at = phone.evaluate("Date.now()")
    people.nth(1).click()
    expect(phone.get_by_role("heading", level=1, name=name)).to_be_visible()
    # The person page's own answer has been read: its copy is kept again after the tap (the
    # service worker reads an answer, then keeps it).
    wait_until(phone, KEPT_SINCE, [path, clicked_at])
    # The service worker last heard from the server longer ago than the idle timeout the
    # server gave it: the server has ended that session by now, signed out or not.
    phone.evaluate(
        """async () => {
            const cache = await caches.open('stepladder-session');
            const state = await (await cache.match('/__stepladder/session')).json();
            if (!(state.idle > 0) || state.ended) throw new Error('no live session recorded');
            state.liveAt = Date.now() - state.idle * 1000 - 1000;
            await cache.put('/__stepladder/session', new Response(JSON.stringify(state)));
        }"""
    )
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("No signal")
    expect(phone.get_by_role("heading", level=1, name=name)).to_have_count(0)
    assert _kept(phone) == []


def test_a_link_to_the_signed_out_page_wipes_nothing_while_signed_in(phone):
    path = ready_for_offline(phone, "worker2@example.org", 3)
    # One entry waiting: the session check is made to fail, so it stays on the phone.
    phone.context.route("**/session", lambda route: route.abort())
    phone.context.set_offline(True)
    rung_buttons(phone).first.click()
    expect(sync_region(phone)).to_contain_text("1 waiting to send")
    phone.context.set_offline(False)

    phone.goto("/signed-out")
    expect(phone.get_by_role("heading", level=1, name="You are still signed in")).to_be_visible()
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    assert serious_problems(phone) == []
    assert len(outbox(phone)) == 1
    assert path in _kept(phone)
