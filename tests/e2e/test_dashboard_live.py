"""The supervisor's open dashboard shows a step recorded on a worker's phone within 5 seconds,
by itself, without a navigation (served by several app processes)."""

import csv
import io
import re
from datetime import date

from playwright.sync_api import expect

from tests.fixtures.browser import sign_in


def _number(region) -> int:
    return int(region.locator(".number").inner_text())


def test_dashboard_shows_a_new_step_within_five_seconds(phone, office):
    sign_in(office, "supervisor@example.org")
    office.goto("/overview/")
    steps_today = office.get_by_role("region", name="Steps today")
    expect(steps_today).to_be_visible()
    before = _number(steps_today)
    # Survives only if the page is never reloaded or navigated away from.
    office.evaluate("window.stepladderMarker = 'still here'")
    feed = office.get_by_role("list", name="Recent entries")

    sign_in(phone, "worker@example.org")
    people = phone.get_by_role("list", name="My people")
    first = people.get_by_role("link").first
    name = first.locator(".name").inner_text()
    first.click()
    # The first ladder still being climbed (a finished one is folded away below it).
    ladder = phone.locator("section.ladder").first
    rung = ladder.get_by_role("button").first
    rung_text = rung.locator(".rung-text").inner_text()
    items = feed.get_by_role("listitem").filter(has_text=f"{name}: {rung_text}")
    shown_before = items.count()
    rung.click()
    expect(phone.get_by_role("status")).to_contain_text("Saved")

    expect(steps_today).to_have_text(re.compile(rf"^\s*{before + 1} steps\s*$"), timeout=5000)
    expect(items).to_have_count(shown_before + 1, timeout=5000)
    expect(items.first).to_contain_text("Sam Worker")
    assert office.evaluate("window.stepladderMarker") == "still here"
    assert office.url.endswith("/overview/")


def test_supervisor_opens_the_journey_and_voids_an_entry(phone, office):
    sign_in(phone, "worker2@example.org")
    first = phone.get_by_role("list", name="My people").get_by_role("link").first
    name = first.locator(".name").inner_text()
    first.click()
    phone.get_by_role("button", name="Seen today").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved")

    sign_in(office, "supervisor@example.org")
    office.goto("/overview/")
    contacts = office.get_by_role("region", name="Contacts today")
    before = _number(contacts)
    feed = office.get_by_role("list", name="Recent entries")
    feed.get_by_role("link", name=name).first.click()
    expect(office.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(office.locator("svg.chart").first).to_be_visible()
    office.get_by_role("link", name=re.compile(r"^Remove or correct Seen")).first.click()
    office.get_by_label("Reason for removing it").fill("Recorded for the wrong person")
    office.get_by_role("button", name="Remove entry").click()
    timeline = office.get_by_role("list", name="Timeline entries")
    expect(timeline).to_contain_text("Reason: Recorded for the wrong person")
    office.goto("/overview/")
    # A contact is a visit: the removal takes one away only if it was that person's only
    # visit today. The export's rows for today, read by hand, say what the count must be.
    today = date.today().isoformat()
    response = office.request.get(f"/export/entries.csv?from={today}&to={today}")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    live = [r for r in rows if r["status"] == "" and r["kind"] not in ("void", "note")]
    visits = len({r["person_reference"] for r in live})
    assert visits in (before - 1, before)
    expect(office.get_by_role("region", name="Contacts today")).to_have_text(
        re.compile(rf"^\s*{visits} contacts\s*$")
    )
