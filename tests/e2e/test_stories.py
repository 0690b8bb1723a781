"""A worker approves the wording of a story on the phone; the funder then reads that wording
and never the note (360 × 740 for the worker, 1280 × 800 for the funder's report)."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import sign_in

WORDING = "Came to the drop-in on their own and stayed for lunch."


def test_a_worker_approves_a_story_and_the_report_shows_that_wording(phone, browser, live_server):
    sign_in(phone, "worker@example.org")
    phone.get_by_role("link", name="Stories to approve for funders").click()
    notes = phone.get_by_role("list", name="Shareable notes")
    expect(notes).to_be_visible()
    assert serious_problems(phone) == []
    # The newest shareable note (the list is newest first), so it leads its funder's stories.
    newest = notes.get_by_role("listitem").first
    original = newest.get_by_text(re.compile(r"^The note \(unchanged\):")).inner_text()
    newest.get_by_label("Wording funders will see").fill(WORDING)
    newest.get_by_role("button", name=re.compile(r"^Approve wording")).click()
    expect(phone.get_by_text("Approved: funders will see this wording.")).to_be_visible()
    expect(phone.get_by_text(original).first).to_be_visible()  # the note itself is unchanged

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    office = context.new_page()
    try:
        sign_in(office, "supervisor@example.org")
        today = date.today()
        period = f"period={today - timedelta(days=200)}..{today}"
        shown = []
        for funder in ("City Council Mental Health Fund", "Community Lottery Grant"):
            office.goto("/reports")
            office.get_by_role("link", name=funder).click()
            expect(office).to_have_url(re.compile(r"/reports/\d+"))
            office.goto(office.url.split("?")[0] + "?" + period)
            expect(office.get_by_role("heading", level=1)).to_be_visible()
            shown.append(office.get_by_text(WORDING).count())
        assert sum(shown) == 1  # in the report of the funder of that note's activity
        assert serious_problems(office) == []
    finally:
        context.close()
