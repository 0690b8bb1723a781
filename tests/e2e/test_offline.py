"""Working without signal on a phone: pages from the cache, entries kept on the phone and
sent exactly once when the signal returns, and a phone wiped at sign-out."""

import re

from playwright.sync_api import expect

from tests.fixtures.offline import (
    export_counts,
    outbox,
    ready_for_offline,
    rung_buttons,
    sync_region,
    wait_until,
    wait_until_outbox_empty,
)


def test_caseload_pages_open_from_the_phone_without_signal(phone):
    path = ready_for_offline(phone, "worker@example.org", 1)
    name = phone.get_by_role("heading", level=1).inner_text()
    # My people asked the service worker to keep the whole caseload, not only opened pages.
    wait_until(
        phone,
        "() => caches.open('stepladder-pages-' + document.querySelector('[data-outbox]')"
        ".dataset.user).then(c => c.keys()).then(keys => keys.length >= 13)",
    )
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(rung_buttons(phone).first).to_be_enabled()
    # Opening the app (its start URL) without signal lands on My people, kept on the phone.
    phone.goto("/")
    people = phone.get_by_role("list", name="My people")
    expect(people.get_by_role("link")).to_have_count(12)
    other = people.get_by_role("link").nth(5)
    other_name = other.locator(".name").inner_text()
    assert other.get_attribute("href") != path
    other.click()
    expect(phone.get_by_role("heading", level=1, name=other_name)).to_be_visible()
    expect(rung_buttons(phone).first).to_be_visible()


def test_the_service_worker_is_registered_to_bypass_the_http_cache(phone, live_server):
    # updateViaCache 'none': the browser asks the server for sw.js and every script it
    # imports on each update check, so a phone never keeps running yesterday's worker.
    ready_for_offline(phone, "worker@example.org", 3)
    registration = phone.evaluate(
        """() => navigator.serviceWorker.getRegistration("/").then(r => r && {
            scope: r.scope, updateViaCache: r.updateViaCache,
            script: (r.active || {}).scriptURL })"""
    )
    assert registration == {
        "scope": live_server.url + "/",
        "updateViaCache": "none",
        "script": live_server.url + "/sw.js",
    }


def test_a_page_never_kept_shows_the_offline_page(phone):
    ready_for_offline(phone, "worker@example.org", 2)
    phone.context.set_offline(True)
    phone.goto("/overview")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("No signal")


def test_steps_made_offline_are_kept_and_reach_the_server_once_each(phone, browser, live_server):
    path = ready_for_offline(phone, "worker@example.org", 3)
    phone.context.set_offline(True)
    phone.reload()
    drawn_id = phone.locator("#record-form input[name=id]").input_value()
    buttons = rung_buttons(phone)
    first_step = buttons.nth(0).locator(".rung-text").inner_text()
    buttons.nth(0).click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved on this phone")
    expect(status).to_contain_text(first_step)
    buttons.nth(1).click()
    expect(sync_region(phone)).to_contain_text("2 waiting to send")

    kept = outbox(phone)
    ids = [entry["id"] for entry in kept]
    # Every entry gets a fresh id, never the one the cached page was drawn with.
    assert len(set(ids)) == 2 and drawn_id not in ids
    assert {entry["person"] for entry in kept} == {path.rsplit("/", 1)[1]}

    phone.reload()  # still offline: the page and the queue both come from the phone
    region = sync_region(phone)
    expect(region).to_contain_text("2 waiting to send")
    region.get_by_text(re.compile("waiting to send")).click()
    items = region.get_by_role("list", name="Entries on this phone").get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(first_step)
    expect(items.first).to_contain_text("Waiting for signal")

    phone.context.set_offline(False)
    expect(region).to_be_hidden()
    wait_until_outbox_empty(phone)
    stored = export_counts(browser, live_server.url)
    assert [stored[i] for i in ids] == [1, 1]


def test_signing_out_wipes_every_personal_copy_from_the_phone(phone, live_server):
    ready_for_offline(phone, "worker2@example.org", 1)
    phone.evaluate("sessionStorage.setItem('probe', 'personal')")
    # One entry that cannot be sent yet: the session check fails (for the page and the
    # service worker alike), so it stays on the phone.
    phone.context.route("**/session", lambda route: route.abort())
    phone.context.set_offline(True)
    rung_buttons(phone).first.click()
    expect(sync_region(phone)).to_contain_text("1 waiting to send")
    phone.context.set_offline(False)

    # Take the browser's own Clear-Site-Data out of the picture: the page must wipe by itself.
    def without_clear_site_data(route):
        response = route.fetch(max_redirects=0)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "clear-site-data"}
        route.fulfill(response=response, headers=headers)

    phone.route("**/sign-out", without_clear_site_data)
    warnings = []

    def answer(dialog):
        warnings.append(dialog.message)
        dialog.accept()

    phone.on("dialog", answer)
    phone.get_by_role("button", name="Sign out").click()
    expect(phone.get_by_role("heading", name="You have signed out")).to_be_visible()
    assert warnings and "1 entry is still on this phone" in warnings[0]
    phone.wait_for_selector("[data-wipe-phone][data-wiped]", state="attached")
    kept_urls = phone.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(request.url);
            }
            return urls;
        }"""
    )
    assert not [url for url in kept_urls if "/people" in url]
    assert phone.evaluate("indexedDB.databases().then(dbs => dbs.map(db => db.name))") == []
    assert phone.evaluate("sessionStorage.length") == 0
