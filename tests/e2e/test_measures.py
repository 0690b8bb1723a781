"""Measures in the browser: completed offline on a 360 px phone and stored once, scored by
the server; axe finds nothing serious on any measure screen a test visits; a risk answer prompts the
worker at once and reaches a supervisor's open dashboard (served by several processes)."""

import csv
import io
from datetime import date

from playwright.sync_api import expect

from tests.fixtures.axe import checked
from tests.fixtures.browser import sign_in
from tests.fixtures.offline import (
    outbox,
    ready_for_offline,
    sync_region,
    wait_until_outbox_empty,
)


def _answer_all(page, answer: str) -> int:
    """Answer every question with `answer`, one screen at a time; return how many there were."""
    questions = page.locator("fieldset.question")
    total = questions.count()
    for n in range(total):
        group = questions.nth(n)
        expect(group).to_be_visible()
        expect(group).to_contain_text(f"{n + 1} of {total}")
        legend = group.locator("legend").inner_text()
        page.get_by_role("group", name=legend).get_by_label(answer, exact=True).check()
        if n < total - 1:
            expect(page.get_by_role("button", name="Save answers")).to_be_hidden()
            group.get_by_role("button", name="Next").click()
    return total


def _measure_rows(browser, base_url: str) -> list[dict]:
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        sign_in(page, "supervisor@example.org")
        today = date.today().isoformat()
        response = page.request.get(f"/export/measures.csv?from=2000-01-01&to={today}")
        assert response.status == 200
        return list(csv.DictReader(io.StringIO(response.text())))
    finally:
        context.close()


def _checked_as_drawn_without_javascript(browser, page):
    """axe runs in the page's JavaScript, which never finishes with JavaScript off: the same
    screen is opened in a context that blocks the app's own scripts (so it is drawn as with
    JavaScript off) and checked there."""
    context = browser.new_context(
        storage_state=page.context.storage_state(), viewport={"width": 360, "height": 740}
    )
    try:
        context.route("**/*.js", lambda route: route.abort())
        seen = context.new_page()
        seen.goto(page.url)
        checked(seen)
    finally:
        context.close()


def test_a_measure_completed_offline_is_stored_once_and_scored(phone, browser, live_server):
    ready_for_offline(phone, "worker@example.org", 3)
    phone.get_by_role("link", name="Measures", exact=True).click()
    checked(phone).get_by_role("link", name="Start SWEMWBS").click()
    expect(phone.get_by_role("heading", name="SWEMWBS")).to_be_visible()
    checked(phone).context.set_offline(True)
    assert _answer_all(phone, "Often") == 7
    phone.get_by_role("button", name="Save answers").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved on this phone")
    expect(sync_region(phone)).to_contain_text("1 waiting to send")
    checked(phone)
    [kept] = outbox(phone)

    phone.context.set_offline(False)
    wait_until_outbox_empty(phone)
    rows = [r for r in _measure_rows(browser, live_server.url) if r["entry_id"] == kept["id"]]
    assert len(rows) == 1
    # Seven answers of "Often" (4) are raw 28: 25.03 on the Rasch table, never 28.
    assert (rows[0]["measure"], rows[0]["raw_score"], rows[0]["score"]) == (
        "SWEMWBS",
        "28",
        "25.03",
    )
    assert [rows[0][f"swemwbs_{k}"] for k in ("1", "2", "3", "6", "7", "9", "11")] == ["4"] * 7


def test_measure_screens_have_no_serious_accessibility_problems(phone):
    sign_in(phone, "worker@example.org")
    phone.get_by_role("list", name="My people").get_by_role("link").nth(1).click()
    phone.get_by_role("link", name="Measures", exact=True).click()
    expect(phone.get_by_role("link", name="Start ONS4")).to_be_visible()
    checked(phone).get_by_role("link", name="Start ONS4").click()
    expect(phone.get_by_role("button", name="Next").first).to_be_visible()
    checked(phone)
    _answer_all(phone, "7")
    phone.get_by_role("button", name="Save answers").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved")
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    checked(phone)


def test_measure_works_as_one_form_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    try:
        page = context.new_page()
        page.goto("/sign-in")
        page.get_by_label("Email").fill("worker2@example.org")
        page.get_by_label("Password").fill("stepladder-demo")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("list", name="My people").get_by_role("link").first.click()
        page.get_by_role("link", name="Measures", exact=True).click()
        _checked_as_drawn_without_javascript(browser, page)
        page.get_by_role("link", name="Start SWEMWBS").click()
        _checked_as_drawn_without_javascript(browser, page)
        groups = page.get_by_role("group")
        for n in range(7):
            groups.nth(n).get_by_label("Some of the time").check()
        expect(page.get_by_role("button", name="Next")).to_have_count(0)
        page.get_by_role("button", name="Save answers").click()
        expect(page.get_by_role("status")).to_contain_text("Saved · SWEMWBS")
        completed = page.get_by_role("region", name="Completed").get_by_role("listitem")
        expect(completed.first).to_contain_text("SWEMWBS · score 19.25")
        _checked_as_drawn_without_javascript(browser, page)
    finally:
        context.close()


def test_a_risk_answer_prompts_at_once_and_reaches_the_open_dashboard(phone, office):
    sign_in(office, "admin@example.org")
    office.goto("/setup/measures")
    plan = checked(office).get_by_role("region", name="PHQ-9")
    plan.get_by_label("We have read its terms").check()
    plan.get_by_role("button", name="Switch on PHQ-9").click()
    expect(office.get_by_text("PHQ-9 is switched on.")).to_be_visible()
    checked(office).goto("/overview/")
    risks = office.get_by_role("region", name="Risk answers")
    expect(risks).to_be_visible()
    # The demo's SWEMWBS readings, paired first to latest on the Overview.
    expect(office.get_by_role("region", name="SWEMWBS")).to_contain_text("Reliably improved")
    checked(office)
    office.evaluate("window.stepladderMarker = 'still here'")

    sign_in(phone, "worker@example.org")
    first = phone.get_by_role("list", name="My people").get_by_role("link").first
    name = first.locator(".name").inner_text()
    first.click()
    # Switched on just now, PHQ-9's baseline is due for everyone: the person's page says so.
    expect(phone.get_by_role("link", name="Measures due")).to_be_visible()
    expect(phone.get_by_text("PHQ-9 baseline due")).to_be_visible()
    checked(phone).get_by_role("link", name="Measures", exact=True).click()
    phone.get_by_role("link", name="Start PHQ-9").click()
    questions = phone.locator("fieldset.question")
    expect(questions.first).to_be_visible()
    checked(phone)
    for n in range(9):
        legend = questions.nth(n).locator("legend").inner_text()
        answer = "Several days" if n == 8 else "Not at all"
        phone.get_by_role("group", name=legend).get_by_label(answer, exact=True).check()
        if n < 8:
            questions.nth(n).get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Save answers").click()
    expect(phone.get_by_role("alert")).to_contain_text("Follow the safeguarding procedure now")
    expect(phone.get_by_role("status")).to_contain_text("Saved")
    checked(phone)

    expect(risks.get_by_role("link", name=name)).to_be_visible(timeout=5000)
    expect(risks).to_contain_text("PHQ-9")
    checked(office)
    assert office.evaluate("window.stepladderMarker") == "still here"
