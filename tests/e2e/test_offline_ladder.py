"""Offline, a tap moves the ladder at once and offers Undo, which takes the entry off the
phone before it is ever sent; the waiting list removes a single entry; the page says plainly
that there is no signal and how old the page is (issue 13, item 2)."""

import re

from playwright.sync_api import expect

from tests.fixtures.axe import checked
from tests.fixtures.browser import sign_in
from tests.fixtures.offline import (
    export_counts,
    export_rows,
    outbox,
    ready_for_offline,
    sync_region,
    wait_until,
    wait_until_outbox_empty,
)

NEXT = re.compile(r"Next step$")
CURRENT = re.compile(r"Current step$")


def _open_a_person_with_a_next_step(page, email: str) -> str:
    """Sign in and open (so keep on the phone) the first person of the caseload with a ladder
    that offers a next step; My people's order changes as other tests record, so look."""
    sign_in(page, email)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    links = page.get_by_role("list", name="My people").get_by_role("link")
    paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for path in paths:
        page.goto(path)
        if page.get_by_role("button", name=NEXT).count():
            wait_until(page, "p => caches.match(p).then(Boolean)", path)
            return path
    raise AssertionError("nobody on the caseload has a next step")


def _rung(ladder, text: str, state: str):
    """The rung button whose accessible name is its text followed by its state."""
    name = re.compile("^" + re.escape(text) + r"\W+" + state + "$")
    return ladder.get_by_role("button", name=name)


def _ladder_with_a_next_step(page):
    """The first ladder on the page that offers a next step, and its rung buttons. Held by
    its name: once its top rung is tapped it offers no next step, and a locator filtered on
    one would move on to another ladder."""
    offering = page.locator("section.ladder").filter(has=page.get_by_role("button", name=NEXT))
    name = offering.first.get_by_role("heading", level=2).inner_text()
    ladder = page.get_by_role("region", name=name, exact=True)
    return ladder, ladder.get_by_role("button", name=re.compile(r"^(?!Setback)"))


def test_offline_a_tap_moves_the_ladder_and_undo_takes_it_off_the_phone(
    phone, browser, live_server
):
    _open_a_person_with_a_next_step(phone, "worker@example.org")
    phone.context.set_offline(True)
    phone.reload()
    connection = phone.get_by_text("No signal")
    expect(connection).to_be_visible()
    expect(phone.locator("[data-connection]")).to_contain_text(re.compile(r"page as of \d\d:\d\d"))
    checked(phone)

    ladder, rungs = _ladder_with_a_next_step(phone)
    names_before = rungs.all_inner_texts()
    next_rung = ladder.get_by_role("button", name=NEXT)
    text = next_rung.locator(".rung-text").inner_text()
    index = names_before.index(next_rung.inner_text())
    above = rungs.nth(index - 1).locator(".rung-text").inner_text() if index > 0 else None
    next_rung.click()

    # The tapped rung is the current step at once; the one above it is the next step.
    expect(_rung(ladder, text, "Current step")).to_be_visible()
    expect(ladder.get_by_role("button", name=CURRENT)).to_have_count(1)
    if above:
        expect(_rung(ladder, above, "Next step")).to_be_visible()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved on this phone")
    expect(sync_region(phone)).to_contain_text("1 waiting to send")
    [kept] = outbox(phone)
    checked(phone)

    status.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text("Removed from this phone")
    expect(sync_region(phone)).to_be_hidden()
    assert outbox(phone) == []
    # The ladder is as it was before the tap.
    assert rungs.all_inner_texts() == names_before

    phone.context.set_offline(False)
    expect(phone.locator("[data-connection]")).to_be_hidden()
    assert export_counts(browser, live_server.url)[kept["id"]] == 0


def test_the_waiting_list_removes_a_single_entry(phone, browser, live_server):
    ready_for_offline(phone, "worker2@example.org", 5)
    phone.context.set_offline(True)
    rungs = phone.locator(".rungs").first.get_by_role("button")
    rungs.nth(0).click()
    expect(phone.get_by_role("status")).to_contain_text("Saved on this phone")
    # A second entry that stands on its own: a rung below the first tap would be a going back
    # from a step that is then removed, which the server rightly sets aside.
    phone.get_by_role("button", name=re.compile("^Seen today")).click()
    region = sync_region(phone)
    expect(region).to_contain_text("2 waiting to send")
    first, second = outbox(phone)

    region.get_by_text("2 waiting to send").click()
    items = region.get_by_role("list", name="Entries on this phone").get_by_role("listitem")
    expect(items).to_have_count(2)
    checked(phone)
    items.first.get_by_role("button", name=re.compile("^Remove from this phone")).click()
    expect(region).to_contain_text("1 waiting to send")
    expect(items).to_have_count(1)
    assert [e["id"] for e in outbox(phone)] == [second["id"]]

    phone.context.set_offline(False)
    wait_until_outbox_empty(phone)
    stored = export_counts(browser, live_server.url)
    assert (stored[first["id"]], stored[second["id"]]) == (0, 1)


def test_the_phone_says_plainly_when_it_has_no_signal(phone):
    ready_for_offline(phone, "worker2@example.org", 6)
    line = phone.locator("[data-connection]")
    expect(line).to_be_hidden()
    phone.context.set_offline(True)
    expect(line).to_be_visible()
    expect(line).to_contain_text("No signal")
    checked(phone)
    phone.context.set_offline(False)
    expect(line).to_be_hidden()


def test_undo_after_the_entry_was_sent_removes_it_on_the_server(phone, browser, live_server):
    ready_for_offline(phone, "worker2@example.org", 8)
    phone.context.set_offline(True)
    phone.locator(".rungs").first.get_by_role("button").nth(0).click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved on this phone")
    [kept] = outbox(phone)
    # The signal comes back and the entry is sent before the worker thinks better of it.
    phone.context.set_offline(False)
    wait_until_outbox_empty(phone)
    status.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text("Removed")
    wait_until_outbox_empty(phone)
    rows = {row["entry_id"]: row for row in export_rows(browser, live_server.url)}
    assert rows[kept["id"]]["status"] == "voided"
    voids = [row for row in rows.values() if row["amends_entry_id"] == kept["id"]]
    assert len(voids) == 1 and voids[0]["kind"] == "void"
