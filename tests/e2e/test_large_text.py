"""Text at 200 % on a 360 × 740 phone: the top bar and the "Saved" bar leave most of the
screen to the page, Undo fits inside its bar, and the search box on My people never shrinks
below its button (issue 13, item 5). Sizes are measured from the page's own boxes."""

import re

from playwright.sync_api import expect

from tests.fixtures.axe import checked
from tests.fixtures.browser import sign_in
from tests.fixtures.offline import ready_for_offline, rung_buttons, sync_region

SCREEN_HEIGHT = 740
# What the bars that stay on screen may cover between them, at most: a third of the screen.
MOST_COVERED = SCREEN_HEIGHT / 3


def _text_at_200_percent(page) -> None:
    page.evaluate("document.documentElement.style.fontSize = '200%'")


def _covered(page) -> float:
    """How much of the screen's height the top bar and the "Saved" bar cover, once the page
    is scrolled to its end (a bar that scrolls away covers nothing)."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    return page.evaluate(
        """() => {
            const visible = el => {
                const box = el.getBoundingClientRect();
                return Math.max(0, Math.min(box.bottom, innerHeight) - Math.max(box.top, 0));
            };
            return visible(document.querySelector('.topbar')) +
                   visible(document.getElementById('status'));
        }"""
    )


def _inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def test_saved_bar_and_top_bar_leave_most_of_the_screen_and_undo_fits(phone):
    sign_in(phone, "worker@example.org")
    phone.get_by_role("list", name="My people").get_by_role("link").nth(10).click()
    expect(rung_buttons(phone).first).to_be_visible()
    _text_at_200_percent(phone)
    rung_buttons(phone).first.click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved")
    undo = status.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()

    assert _covered(phone) <= MOST_COVERED
    assert _inside(undo.bounding_box(), status.bounding_box())
    checked(phone)
    undo.click()
    expect(status).to_contain_text("Removed")


def test_offline_saved_bar_with_undo_fits_at_200_percent(phone):
    ready_for_offline(phone, "worker2@example.org", 10)
    phone.context.set_offline(True)
    phone.reload()
    _text_at_200_percent(phone)
    rung_buttons(phone).first.click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved on this phone")
    undo = status.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    expect(sync_region(phone)).to_contain_text("1 waiting to send")

    assert _covered(phone) <= MOST_COVERED
    assert _inside(undo.bounding_box(), status.bounding_box())
    checked(phone)
    undo.click()
    expect(status).to_contain_text(re.compile("Removed from this phone"))


def test_search_box_keeps_its_width_beside_or_above_its_button(phone):
    sign_in(phone, "worker@example.org")
    _text_at_200_percent(phone)
    search = phone.get_by_role("searchbox", name="Search by name or reference")
    button = phone.get_by_role("button", name="Search")
    expect(search).to_be_visible()
    box, button_box = search.bounding_box(), button.bounding_box()
    assert box["width"] >= button_box["width"]
    assert box["x"] + box["width"] <= 360 and button_box["x"] + button_box["width"] <= 360
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    checked(phone)
    search.fill("a")
    expect(phone.get_by_role("list", name="My people").get_by_role("link").first).to_be_visible()
