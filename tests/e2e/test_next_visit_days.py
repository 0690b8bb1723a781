"""A next visit across two days, on a phone: set in two taps, it is first on My people on its
day, and overdue there (and on the supervisor's attention list) the day after.

"The day after" never waits for midnight and never fakes the server's clock: the server runs
on the real date, and the test moves the visit's day back by one in the server's database,
which is exactly what the next morning looks like to the app (a visit of a day now past, with
no entry for the person since). Every date the test expects is read back from what the
server stored, never from the test's own calendar.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from app import create_app
from app.extensions import db
from app.models import NextVisit, Organisation, Outcome, User, caseload
from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import PHONE, sign_in
from tests.fixtures.databases import fresh_database
from tests.fixtures.factories import make_person
from tests.fixtures.live import LiveServer

NAME = "Robin Quayle"


@pytest.fixture(scope="module")
def diary(tmp_path_factory):
    """A demo server of this file's own, and an app on its database for the test's changes.

    Its worker has one more person, never seen, and no other visit planned: so "first on My
    people" can only be this visit's doing (a person never seen is otherwise listed last).
    """
    with fresh_database(tmp_path_factory.mktemp("diary-db")) as url:
        server = LiveServer(url, str(tmp_path_factory.mktemp("diary-instance"))).start()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "e2e-secret"})
        try:
            with app.app_context():
                org = db.session.scalar(
                    select(Organisation).where(Organisation.name == "Demo Recovery Centre")
                )
                worker = db.session.scalar(select(User).where(User.email == "worker@example.org"))
                mine = select(caseload.c.person_id).where(caseload.c.user_id == worker.id)
                db.session.execute(delete(NextVisit).where(NextVisit.person_id.in_(mine)))
                outcome = db.session.scalar(
                    select(Outcome).where(
                        Outcome.organisation_id == org.id, Outcome.name == "Getting out and about"
                    )
                )
                make_person(org, [worker], [outcome], display_name=NAME, reference="DIARY-1")
                db.session.commit()
            yield server, app
        finally:
            with app.app_context():
                db.engine.dispose()
            server.stop()


def _names(page) -> list[str]:
    people = page.get_by_role("list", name="My people")
    return [name.strip() for name in people.locator(".name").all_inner_texts()]


def _row(page):
    return page.get_by_role("list", name="My people").get_by_role("link", name=re.compile(NAME))


def _visit_day(app):
    """The day the server stored for the visit: its own "today" when Today was tapped."""
    with app.app_context():
        return db.session.scalar(
            select(NextVisit.due_on).where(NextVisit.person.has(reference="DIARY-1"))
        )


def _move_visit_back_a_day(app) -> None:
    with app.app_context():
        visit = db.session.scalar(
            select(NextVisit).where(NextVisit.person.has(reference="DIARY-1"))
        )
        visit.due_on -= timedelta(days=1)
        visit.set_at -= timedelta(days=1)
        db.session.commit()


def test_a_visit_set_in_two_taps_is_first_on_its_day_and_overdue_the_day_after(browser, diary):
    server, app = diary
    context = browser.new_context(base_url=server.url, **PHONE)
    try:
        phone = context.new_page()
        sign_in(phone, "worker@example.org")
        assert _names(phone)[-1] == NAME  # never seen: last, before any visit is set
        expect(_row(phone)).not_to_contain_text("Visit")

        _row(phone).click()
        phone.wait_for_url(re.compile(r"/people/\d+$"))
        phone.get_by_text("Set next visit").click()  # tap one
        phone.get_by_role("button", name="Today", exact=True).click()  # tap two
        expect(phone.get_by_text(re.compile("Visit today"))).to_be_visible()
        day = _visit_day(app)
        assert day is not None

        # Its day: first on My people, marked as today's visit.
        phone.get_by_role("link", name="My people").first.click()
        phone.wait_for_url(re.compile(r"/people$"))
        expect(
            phone.get_by_role("list", name="My people").get_by_role("link").first
        ).to_contain_text(NAME)
        expect(_row(phone)).to_contain_text("Visit today")
        assert _names(phone)[0] == NAME

        # The day after, with nobody having seen them: overdue since that day, no longer first.
        _move_visit_back_a_day(app)
        phone.reload()
        overdue = f"Visit overdue since {day - timedelta(days=1):%a %-d %b}"
        expect(_row(phone)).to_contain_text(overdue)
        expect(_row(phone)).not_to_contain_text("Visit today")
        assert _names(phone)[0] != NAME
        assert serious_problems(phone) == []
    finally:
        context.close()

    office = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    try:
        page = office.new_page()
        sign_in(page, "supervisor@example.org")
        page.goto("/overview/")
        expect(
            page.get_by_role("list", name="Overdue visits").get_by_role(
                "link", name=re.compile(NAME)
            )
        ).to_be_visible()
    finally:
        office.close()
