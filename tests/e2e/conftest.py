"""Browser tests: the real app served by `stepladder serve --demo`, driven in Debian's Chromium."""

import pytest
from playwright.sync_api import sync_playwright

from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, OFFICE, PHONE
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One demo server for the browser tests of a session; tests add their own entries."""
    with fresh_database(tmp_path_factory.mktemp("e2e-db")) as url:
        server = LiveServer(url, str(tmp_path_factory.mktemp("e2e-instance"))).start()
        yield server
        server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page (360 × 740) in a fresh browser context, service workers allowed."""
    context = browser.new_context(base_url=live_server.url, service_workers="allow", **PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def office(browser, live_server):
    """An office-sized page (1280 × 800) in a fresh browser context."""
    context = browser.new_context(base_url=live_server.url, viewport=OFFICE)
    page = context.new_page()
    yield page
    context.close()
