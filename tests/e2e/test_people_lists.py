"""People lists that help, at the office's 1280 × 800 (issue 13, item 10): the Status filter of
the People list, and the Overview's not-seen list, which never calls someone never seen "seen
recently". Each test has an organisation of its own, made with the factories, so that what the
lists hold is known exactly; axe checks every page visited."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from app.extensions import db
from app.models import Organisation, Outcome, User
from app.models.clock import utcnow
from tests.fixtures.axe import checked
from tests.fixtures.browser import sign_in
from tests.fixtures.factories import PASSWORD, make_org, make_outcome, make_person, make_user
from tests.fixtures.live import rows_in


def _people_names(page):
    return page.get_by_role("list", name="People").locator(".name")


def test_the_people_list_filters_by_status(office, live_server):
    with rows_in(live_server):
        org = make_org("Eastbrook Outreach")
        worker = make_user(org, "worker", email="worker@eastbrook.example.org", name="Eli Worker")
        make_user(org, "supervisor", email="supervisor@eastbrook.example.org")
        outcome = make_outcome(org, "Getting out and about")
        for name in ("Ana Active", "Ben Active"):
            make_person(org, [worker], [outcome], display_name=name)
        make_person(
            org,
            [worker],
            [outcome],
            display_name="Cal Closed",
            status="closed",
            closed_on=utcnow().date(),
            discharge_reason="goals_met",
        )
    sign_in(office, "supervisor@eastbrook.example.org", PASSWORD)
    office.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    names = _people_names(office)
    # Active people only, until asked otherwise.
    expect(names).to_have_text(["Ana Active", "Ben Active"])
    checked(office).get_by_text("Order and filters").click()
    office.get_by_role("link", name=re.compile("^More filters")).click()
    status = office.get_by_label("Status")
    expect(status).to_have_value("active")
    checked(office)

    status.select_option(label="Closed")
    office.get_by_role("button", name="Show").click()
    expect(office).to_have_url(re.compile("status=closed"))
    expect(names).to_have_text(["Cal Closed"])
    people = office.get_by_role("list", name="People")
    expect(people.get_by_role("link", name=re.compile("^Cal Closed"))).to_contain_text("· closed")
    expect(office.get_by_label("Status")).to_have_value("closed")
    checked(office)

    office.get_by_label("Status").select_option(label="Active and closed")
    office.get_by_role("button", name="Show").click()
    expect(office).to_have_url(re.compile("status=all"))
    expect(names).to_have_text(["Ana Active", "Ben Active", "Cal Closed"])
    checked(office)


def test_the_overview_never_calls_someone_never_seen_seen_recently(office, live_server):
    with rows_in(live_server):
        org = make_org("Westbrook Outreach")
        worker = make_user(org, "worker", email="worker@westbrook.example.org")
        make_user(org, "supervisor", email="supervisor@westbrook.example.org")
        outcome = make_outcome(org, "Getting out and about")
        make_person(org, [worker], [outcome], display_name="Dee Added Today")
        ids = org.id, worker.id, outcome.id
    sign_in(office, "supervisor@westbrook.example.org", PASSWORD)
    office.goto("/overview/")
    not_seen = office.get_by_role("list", name="Not seen for 14 days or more")
    # Added today and not seen yet: not overdue, and not said to have been seen either.
    expect(not_seen.get_by_role("listitem")).to_have_text(
        ["No one has gone 14 days or more without being seen since they were added."]
    )
    expect(office.get_by_text(re.compile("seen recently", re.IGNORECASE))).to_have_count(0)
    checked(office)

    # Someone added three months ago and never seen since is listed, in those words.
    with rows_in(live_server):
        org_id, worker_id, outcome_id = ids
        make_person(
            db.session.get(Organisation, org_id),
            [db.session.get(User, worker_id)],
            [db.session.get(Outcome, outcome_id)],
            display_name="Fay Added In Spring",
            created_at=utcnow() - timedelta(days=90),
        )
    office.reload()
    expect(not_seen.get_by_role("listitem")).to_have_count(1)
    fay = not_seen.get_by_role("listitem").first
    expect(fay.get_by_role("link", name="Fay Added In Spring")).to_be_visible()
    expect(fay).to_contain_text("never seen")
    expect(not_seen.get_by_role("link", name="Dee Added Today")).to_have_count(0)
    checked(office)
    fay.get_by_role("link", name="Fay Added In Spring").click()
    expect(office.get_by_role("heading", level=1, name="Fay Added In Spring")).to_be_visible()
    checked(office)
