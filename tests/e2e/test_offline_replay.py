"""Replay of entries kept on the phone: one lock for every trigger, removal only on a 2xx,
kept through server errors and ended sessions, refusals set aside where the worker sees them."""

import json
import re
from collections import Counter
from urllib.parse import parse_qs

from playwright.sync_api import expect

from tests.fixtures.browser import sign_in
from tests.fixtures.offline import (
    export_counts,
    export_rows,
    outbox,
    ready_for_offline,
    rung_buttons,
    sync_region,
    wait_until_outbox_empty,
)


def _record_offline(page, count: int = 1) -> list[str]:
    """Tap `count` rungs without signal; return the ids the phone kept."""
    page.context.set_offline(True)
    for n in range(count):
        rung_buttons(page).nth(n).click()
        expect(sync_region(page)).to_contain_text(f"{n + 1} waiting to send")
    return [entry["id"] for entry in outbox(page)]


def _count_replays(context) -> Counter:
    """Count the replayed posts per entry id, from the pages and the service worker alike."""
    posts = Counter()

    def seen(request):
        if request.method == "POST" and request.headers.get("x-stepladder-replay"):
            posts[parse_qs(request.post_data or "").get("id", [""])[0]] += 1

    context.on("request", seen)
    return posts


def _open_list(page):
    region = sync_region(page)
    region.get_by_text(re.compile(r"^\d+ (waiting to send|set aside)")).click()
    return region.get_by_role("list", name="Entries on this phone").get_by_role("listitem")


def test_a_replay_storm_stores_each_entry_exactly_once(phone, browser, live_server):
    path = ready_for_offline(phone, "worker@example.org", 4)
    others = [phone.context.new_page() for _ in range(2)]
    for page in others:
        page.goto(path)
    posts = _count_replays(phone.context)
    ids = _record_offline(phone, 3)

    # Back online: every page hears `online`, two more open (page-load trigger), the service
    # worker gets Background Sync, and the first page fires extra replays of its own. No page
    # is reloaded or closed during the storm: one that goes away mid-send cannot take the
    # entry off the phone after the server has it, and its second send is then a repeat
    # (answered 200, stored once) that this test's count of posts would see.
    phone.context.set_offline(False)
    for page in (opened := [phone.context.new_page() for _ in range(2)]):
        page.goto(path)
    others += opened
    phone.evaluate(
        """() => Promise.all([
            StepladderSync.replay({force: true}),
            StepladderSync.replay({force: true}),
            (window.dispatchEvent(new Event("online")), null),
        ])"""
    )
    for page in [phone, *others]:
        wait_until_outbox_empty(page)
    stored = export_counts(browser, live_server.url)
    assert [stored[i] for i in ids] == [1, 1, 1]
    # The lock, not only the server's idempotency: no entry was even posted twice.
    assert [posts[i] for i in ids] == [1, 1, 1]


def test_a_server_error_keeps_the_entry_and_the_next_trigger_stores_it_once(
    phone, browser, live_server
):
    ready_for_offline(phone, "worker@example.org", 6)
    failing = {"on": True}

    def server_error_at_first(route):
        if failing["on"] and route.request.headers.get("x-stepladder-replay"):
            route.fulfill(status=500, body="Internal Server Error")
        else:
            route.continue_()

    phone.context.route("**/people/*/entries", server_error_at_first)
    posts = _count_replays(phone.context)
    [entry_id] = _record_offline(phone)
    phone.context.set_offline(False)
    items = _open_list(phone)
    expect(items.first).to_contain_text("could not take it just now (500)")
    assert [e["id"] for e in outbox(phone)] == [entry_id]
    assert export_counts(browser, live_server.url)[entry_id] == 0

    failing["on"] = False
    sync_region(phone).get_by_role("button", name="Send now").click()
    expect(sync_region(phone)).to_be_hidden()
    wait_until_outbox_empty(phone)
    assert export_counts(browser, live_server.url)[entry_id] == 1
    assert posts[entry_id] >= 2


def test_an_ended_session_keeps_entries_until_their_worker_signs_in(phone, browser, live_server):
    ready_for_offline(phone, "worker2@example.org", 3)
    [entry_id] = _record_offline(phone)
    phone.context.clear_cookies()  # the session ends while the phone has no signal
    phone.context.set_offline(False)
    items = _open_list(phone)
    expect(items.first).to_contain_text("Sign in again to send it.")
    expect(sync_region(phone)).to_contain_text("Your session has ended")
    assert [e["id"] for e in outbox(phone)] == [entry_id]

    # Another worker signs in on this phone: the entry waits for its own worker, unread.
    sign_in(phone, "worker@example.org")
    region = sync_region(phone)
    expect(region).to_contain_text("1 waiting to send")
    expect(region).to_contain_text("recorded on this phone by another worker")
    tally = phone.evaluate("StepladderSync.replay({force: true})")
    assert tally["sent"] == 0
    assert [e["id"] for e in outbox(phone)] == [entry_id]
    region.get_by_text("1 waiting to send").click()
    expect(region.get_by_role("listitem")).to_have_count(0)

    phone.context.clear_cookies()
    sign_in(phone, "worker2@example.org")
    wait_until_outbox_empty(phone)
    expect(sync_region(phone)).to_be_hidden()
    rows = [row for row in export_rows(browser, live_server.url) if row["entry_id"] == entry_id]
    assert [row["worker"] for row in rows] == ["Priya Worker"]


def _tamper(page, entry_id: str, **fields) -> None:
    """Change what the phone will send for a kept entry (as a stale page might have drawn it)."""
    page.evaluate(
        """([id, fields]) => StepladderOutbox.all().then(entries => {
            const entry = entries.find(e => e.id === id);
            const body = new URLSearchParams(entry.body);
            for (const [k, v] of Object.entries(fields)) body.set(k, v);
            entry.body = body.toString();
            return StepladderOutbox.put(entry);
        })""",
        [entry_id, fields],
    )


def test_a_refused_entry_is_set_aside_visibly_and_not_sent_again(phone, browser, live_server):
    ready_for_offline(phone, "worker2@example.org", 5)
    posts = _count_replays(phone.context)
    [entry_id] = _record_offline(phone)
    _tamper(phone, entry_id, action="step:999999")
    phone.context.set_offline(False)
    region = sync_region(phone)
    expect(region).to_contain_text("1 set aside")
    items = _open_list(phone)
    expect(items.first).to_contain_text(
        "Set aside, not sent: That step is not part of this organisation."
    )
    expect(region).to_contain_text("The server refused what is set aside")
    phone.evaluate("StepladderSync.replay({force: true})")
    assert posts[entry_id] == 1
    assert export_counts(browser, live_server.url)[entry_id] == 0

    items.first.get_by_role("button", name="Remove from this phone").click()
    expect(region).to_be_hidden()
    assert outbox(phone) == []


def test_the_same_id_with_a_different_body_is_set_aside_as_a_conflict(phone, browser, live_server):
    ready_for_offline(phone, "worker2@example.org", 6)
    [entry_id] = _record_offline(phone)
    kept = outbox(phone)[0]
    phone.context.set_offline(False)
    wait_until_outbox_empty(phone)
    # The same id comes back with another step: the server answers 409, never a second entry.
    body = dict(parse_qs(kept["body"]))
    body["action"] = ["seen"]
    kept["body"] = "&".join(f"{k}={v[0]}" for k, v in body.items())
    phone.evaluate("entry => StepladderOutbox.add(entry)", json.loads(json.dumps(kept)))
    phone.evaluate("StepladderSync.replay({force: true})")
    expect(sync_region(phone)).to_contain_text("1 set aside")
    expect(_open_list(phone).first).to_contain_text("already saved with different details")
    assert export_counts(browser, live_server.url)[entry_id] == 1
    # Set aside, the entry stays on the phone for the worker to read; nothing is dropped.
    assert [(e["id"], e["state"]) for e in outbox(phone)] == [(entry_id, "set-aside")]
