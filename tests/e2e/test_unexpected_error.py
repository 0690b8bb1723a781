"""An unexpected fault in the real server (here, a table the Reports page reads has gone from
the database) is shown as the app's own 500 page, in its layout with a way back, never the
error's details (issue 13, item 4)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.fixtures.axe import checked
from tests.fixtures.browser import OFFICE, sign_in
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory):
    """A demo server of this file's own, whose database then loses the funder table."""
    with fresh_database(tmp_path_factory.mktemp("fault-db")) as url:
        server = LiveServer(url, str(tmp_path_factory.mktemp("fault-instance"))).start()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE funder RENAME TO funder_gone"))
        engine.dispose()
        yield server
        server.stop()


def test_an_unexpected_fault_is_the_apps_own_500_page(browser, broken_server):
    context = browser.new_context(base_url=broken_server.url, viewport=OFFICE)
    try:
        page = context.new_page()
        sign_in(page, "supervisor@example.org")
        response = page.goto("/reports")
        assert response.status == 500
        heading = page.get_by_role("heading", level=1, name="Something went wrong on our side")
        expect(heading).to_be_visible()
        expect(page.get_by_text("The problem has been logged.")).to_be_visible()
        # Nothing of the fault itself: no SQL, no exception, no traceback.
        details = re.compile("SELECT|no such table|does not exist|OperationalError|Traceback")
        expect(page.locator("body")).not_to_have_text(details)
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        checked(page)
        page.get_by_role("link", name="Back to the start").click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text(
            "Something went wrong on our side"
        )
    finally:
        context.close()
