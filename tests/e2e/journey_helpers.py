"""Shared steps for the journey browser tests: an office-sized page and axe's verdict."""

import pytest
from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
OFFICE = {"width": 1280, "height": 800}


def serious_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    found = AXE.run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in found.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(name="office")
def office_page(browser, live_server):
    """An office-sized page (1280 × 800) in a fresh browser context."""
    context = browser.new_context(base_url=live_server.url, viewport=OFFICE)
    page = context.new_page()
    yield page
    context.close()
