"""The core flow on a phone: My people → a person → one tap → "Saved" → Undo."""

import csv
import io
import re
from datetime import date

from playwright.sync_api import expect

from tests.fixtures.browser import PHONE, sign_in


def _open_first_person(page):
    page.goto("/")
    people = page.get_by_role("list", name="My people")
    expect(people).to_be_visible()
    first = people.get_by_role("link").first
    name = first.locator(".name").inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    return name


def _open_someone_climbing(page, outcome: str = "Getting out and about"):
    """Open the first person of My people with a next step below the top of `outcome` (other
    tests on this server may have moved anyone's ladder; a tap on the top rung would fold the
    finished ladder away); return the ladder and its next step's text."""
    page.goto("/")
    links = page.get_by_role("list", name="My people").get_by_role("link")
    for path in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        page.goto(path)
        ladder = page.get_by_role("region", name=outcome)
        next_step = ladder.get_by_role("button", name=re.compile("Next step"))
        top = ladder.get_by_role("listitem").first
        if ladder.is_visible() and next_step.count() == 1 and "Next step" not in top.inner_text():
            return ladder, next_step.locator(".rung-text").inner_text().strip()
    raise AssertionError(f"no one on the caseload has a next step on {outcome}")


def _export_rows(page, base_url):
    today = date.today().isoformat()
    response = page.request.get(f"{base_url}/export/entries.csv?from=2000-01-01&to={today}")
    assert response.status == 200
    return list(csv.DictReader(io.StringIO(response.text())))


def test_worker_records_a_step_in_two_taps_and_undoes_it(phone, browser, live_server):
    sign_in(phone, "worker@example.org")
    expect(phone.get_by_role("list", name="My people").get_by_role("link")).to_have_count(12)
    ladder, rung = _open_someone_climbing(phone)  # tap 1
    step = ladder.get_by_role("button", name=re.compile("^" + re.escape(rung)))
    step.click()  # tap 2
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved")
    expect(status).to_contain_text(rung)
    expect(
        ladder.get_by_role("button", name=re.compile("^" + re.escape(rung) + ".*Current step"))
    ).to_be_visible()

    supervisor = browser.new_context(base_url=live_server.url).new_page()
    sign_in(supervisor, "supervisor@example.org")
    rows = [
        r
        for r in _export_rows(supervisor, live_server.url)
        if r["rung"] == rung and r["worker"] == "Sam Worker" and r["status"] == ""
    ]
    mine = [r for r in rows if r["recorded_at"] >= max(r2["recorded_at"] for r2 in rows)]
    assert len(mine) == 1

    status.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text("Removed")
    voided = [
        r for r in _export_rows(supervisor, live_server.url) if r["entry_id"] == mine[0]["entry_id"]
    ]
    assert [r["status"] for r in voided] == ["voided"]
    supervisor.context.close()


def test_recording_works_with_javascript_off(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    page = context.new_page()
    sign_in(page, "worker2@example.org")
    _open_first_person(page)
    page.get_by_role("button", name="Seen today").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Saved")
    expect(status).to_contain_text("Seen")
    status.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status")).to_contain_text("Removed")
    # Reloading the page after a post-redirect-get stores nothing twice.
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("Removed")
    context.close()
