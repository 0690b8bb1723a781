"""Installable: the manifest and its icons, Chromium's own installability check in a
persistent profile, and the Add to Home Screen hint for iPhone users."""

import struct

from playwright.sync_api import expect

from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, sign_in
from tests.fixtures.offline import sync_region

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_describes_a_standalone_app_with_real_icons(phone):
    manifest = phone.request.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Stepladder" and manifest["short_name"] == "Stepladder"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    purposes = set()
    for icon in manifest["icons"]:
        response = phone.request.get(icon["src"])
        assert response.status == 200 and response.headers["content-type"] == "image/png"
        width, height = _png_size(response.body())
        assert f"{width}x{height}" == icon["sizes"]
        purposes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


def test_chromium_finds_nothing_stopping_installation(playwright_instance, live_server, tmp_path):
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        service_workers="allow",
        **PHONE,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page, "worker@example.org")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == []
        assert manifest["url"].endswith("/manifest.webmanifest")
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def test_iphone_safari_users_are_asked_to_add_to_home_screen(browser, live_server):
    context = browser.new_context(base_url=live_server.url, user_agent=IPHONE_SAFARI, **PHONE)
    try:
        page = context.new_page()
        sign_in(page, "worker2@example.org")
        hint = page.get_by_role("complementary", name="Add to Home Screen")
        expect(hint).to_be_visible()
        expect(hint).to_contain_text("Add to Home Screen")
        hint.get_by_role("button", name="Got it").click()
        expect(hint).to_be_hidden()
        page.reload()
        expect(page.get_by_role("list", name="My people")).to_be_visible()
        expect(hint).to_be_hidden()
    finally:
        context.close()


def test_other_phones_get_no_install_hint(phone):
    sign_in(phone, "worker2@example.org")
    expect(phone.get_by_role("list", name="My people")).to_be_visible()
    expect(phone.get_by_role("complementary", name="Add to Home Screen")).to_be_hidden()
    expect(sync_region(phone)).to_be_hidden()
