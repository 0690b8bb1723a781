"""Take the README's screenshots from a running demo (`stepladder serve --demo`).

    python scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots

Workers' pages at 360 × 740 (a phone), office pages at 1280 × 800, in Debian's Chromium.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "stepladder-demo"
PHONE = dict(
    viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
)
OFFICE = dict(viewport={"width": 1280, "height": 800})


def sign_in(page, email: str) -> None:
    """Sign in through the form, the way a person does."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def main(base_url: str, folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        phone = browser.new_context(base_url=base_url, service_workers="block", **PHONE).new_page()
        sign_in(phone, "worker@example.org")
        phone.screenshot(path=out / "my-people.png")
        phone.get_by_role("list", name="My people").get_by_role("link").nth(1).click()
        expect(phone.get_by_role("button", name=re.compile("^Seen today"))).to_be_visible()
        phone.screenshot(path=out / "person.png")

        office = browser.new_context(base_url=base_url, **OFFICE).new_page()
        sign_in(office, "supervisor@example.org")
        office.goto("/overview/")
        expect(office.get_by_role("region", name="Steps today")).to_be_visible()
        office.screenshot(path=out / "overview.png")
        office.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
        office.get_by_role("link", name="City Council Mental Health Fund").click()
        expect(office.get_by_role("link", name="Download CSV")).to_be_visible()
        office.screenshot(path=out / "report.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
