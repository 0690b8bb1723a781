"""A next visit set on a phone without signal: kept in the outbox like an entry, shown on the
kept copy of My people at once, and sent once when the signal returns."""

import re

from playwright.sync_api import expect

from tests.fixtures.browser import sign_in, someone_to_visit
from tests.fixtures.offline import outbox, sync_region, wait_until, wait_until_outbox_empty


def _posts(live_server, path: str) -> int:
    """How many times the server was sent this path (its access log, one line a request)."""
    return len(re.findall(rf'"POST {re.escape(path)} ', live_server.output()))


def _todays_visits(page) -> list[str]:
    """The people at the top of My people with a visit today, in order."""
    rows = page.get_by_role("list", name="My people").get_by_role("link").all_inner_texts()
    first = []
    for text in rows:
        if "Visit today" not in text:
            break
        first.append(text)
    return first


def test_a_next_visit_set_offline_is_shown_on_my_people_and_sent_once(phone, live_server):
    sign_in(phone, "worker@example.org")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    # My people once more under the service worker, so that its copy is kept on the phone;
    # drawn anew before anyone on it is tapped (a tap on the old page would be cancelled by
    # this navigation ending after it).
    with phone.expect_navigation():
        phone.get_by_role("link", name="My people").first.click()
    wait_until(phone, "p => caches.match(p).then(Boolean)", "/people")
    people = phone.get_by_role("list", name="My people")
    target = someone_to_visit(people)
    name = target.locator(".name").inner_text().strip()
    path = target.get_attribute("href")
    target.click()
    phone.wait_for_url(re.compile(re.escape(path) + "$"))
    wait_until(phone, "p => caches.match(p).then(Boolean)", path)
    sent = path + "/next-visit"
    assert _posts(live_server, sent) == 0

    phone.context.set_offline(True)
    phone.get_by_text(re.compile(r"^(Set next visit|.*· change)$")).click()
    phone.get_by_role("button", name="Today", exact=True).click()
    expect(phone.get_by_role("status")).to_contain_text("Saved on this phone")
    expect(sync_region(phone)).to_contain_text("1 waiting to send")
    [kept] = outbox(phone)
    assert kept["url"] == sent

    # My people from the phone: the kept copy, drawn before the tap, shows the visit among
    # today's, which come first.
    phone.get_by_role("link", name="My people").first.click()
    row = phone.get_by_role("list", name="My people").get_by_role(
        "link", name=re.compile(re.escape(name))
    )
    expect(row).to_contain_text("Visit today")
    assert any(name in text for text in _todays_visits(phone))
    assert _posts(live_server, sent) == 0

    phone.context.set_offline(False)
    phone.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until_outbox_empty(phone)
    assert _posts(live_server, sent) == 1

    # The same tap again (a phone that never heard the answer): taken, and nothing changes.
    phone.evaluate("entry => StepladderOutbox.add(entry)", {**kept, "state": "waiting"})
    phone.evaluate("() => StepladderSync.replay({force: true})")
    wait_until_outbox_empty(phone)
    assert _posts(live_server, sent) == 2

    # Drawn by the server now: the visit is stored, and among today's at the top.
    phone.reload()
    row = phone.get_by_role("list", name="My people").get_by_role(
        "link", name=re.compile(re.escape(name))
    )
    expect(row).to_contain_text("Visit today")
    assert any(name in text for text in _todays_visits(phone))
