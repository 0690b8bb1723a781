"""Shared steps for the offline browser tests: a phone ready to work without signal, the
outbox as the page sees it, and the server's view of entries through the export."""

import csv
import io
import json
import re
from collections import Counter
from datetime import date

from playwright.sync_api import Page

from tests.e2e.conftest import sign_in


def ready_for_offline(page: Page, email: str, person_index: int) -> str:
    """Sign in, let the service worker take control, open one person of the caseload so that
    the page is kept on the phone; return the person's page path. A tap on a rung below the
    current one asks "Back to ...?" first; these tests answer yes (it is kept as going back)."""
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, email)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    people = page.get_by_role("list", name="My people")
    link = people.get_by_role("link").nth(person_index)
    path = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    wait_until(page, "p => caches.match(p).then(Boolean)", path)
    return path


def wait_until(page: Page, predicate: str, arg=None) -> None:
    """Wait until an asynchronous predicate (JavaScript, taking `arg`) resolves truthy.

    wait_for_function does not await a promise (a pending promise counts as true), so each
    poll starts the predicate once and reads the answer of the previous run.
    """
    page.wait_for_function(
        f"""arg => {{
            const waits = window.__stepladderWaits || (window.__stepladderWaits = {{}});
            const key = {json.dumps(predicate)} + JSON.stringify(arg);
            if (waits[key] === true) {{ delete waits[key]; return true; }}
            if (waits[key] !== "running") {{
                waits[key] = "running";
                Promise.resolve(({predicate})(arg)).then(
                    value => {{ waits[key] = value ? true : "again"; }},
                    () => {{ waits[key] = "again"; }});
            }}
            return false;
        }}""",
        arg=arg,
        polling=100,
    )


def rung_buttons(page: Page):
    """The rung buttons of the person's first ladder, top rung first."""
    return page.locator(".rungs").first.get_by_role("button")


def outbox(page: Page) -> list[dict]:
    """What the phone holds in its outbox right now."""
    return page.evaluate("StepladderOutbox.all()")


def sync_region(page: Page):
    return page.get_by_role("region", name="Sync")


def wait_until_outbox_empty(page: Page) -> None:
    wait_until(page, "() => StepladderOutbox.all().then(entries => entries.length === 0)")


def export_counts(browser, base_url: str) -> Counter:
    """How many times each entry id is stored on the server, read by a supervisor's export."""
    return Counter(row["entry_id"] for row in export_rows(browser, base_url))


def export_rows(browser, base_url: str) -> list[dict]:
    """Every entry on the server, as a supervisor's export lists it."""
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        sign_in(page, "supervisor@example.org")
        today = date.today().isoformat()
        response = page.request.get(f"/export/entries.csv?from=2000-01-01&to={today}")
        assert response.status == 200
        return list(csv.DictReader(io.StringIO(response.text())))
    finally:
        context.close()
