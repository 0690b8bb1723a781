"""The worker's pages for everyone: axe-core finds no serious or critical problem on My people,
a person's page and the sync list; tap targets are at least 44 px; text at 200 % still works."""

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import sign_in
from tests.fixtures.offline import ready_for_offline, rung_buttons, sync_region


def test_my_people_has_no_serious_accessibility_problems(phone):
    sign_in(phone, "worker@example.org")
    expect(phone.get_by_role("list", name="My people")).to_be_visible()
    assert serious_problems(phone) == []


def test_person_page_has_no_serious_accessibility_problems(phone):
    sign_in(phone, "worker@example.org")
    phone.get_by_role("list", name="My people").get_by_role("link").nth(7).click()
    expect(rung_buttons(phone).first).to_be_visible()
    assert serious_problems(phone) == []


def test_sync_list_has_no_serious_accessibility_problems(phone):
    ready_for_offline(phone, "worker2@example.org", 7)
    phone.context.set_offline(True)
    rung_buttons(phone).first.click()
    expect(phone.get_by_role("status")).to_contain_text("Saved on this phone")
    region = sync_region(phone)
    region.get_by_text("1 waiting to send").click()
    expect(region.get_by_role("listitem")).to_have_count(1)
    assert serious_problems(phone) == []


@pytest.mark.parametrize("page_name", ["My people", "person"])
def test_tap_targets_are_at_least_44_px(phone, page_name):
    sign_in(phone, "worker@example.org")
    if page_name == "person":
        phone.get_by_role("list", name="My people").get_by_role("link").nth(8).click()
        expect(rung_buttons(phone).first).to_be_visible()
    small = phone.evaluate(
        """() => [...document.querySelectorAll(
                "button, .person-link, .chip label, summary, input[type=search], .topbar a")]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.textContent.trim().slice(0, 40), el.getBoundingClientRect()])
            .filter(([, box]) => box.height < 44 || box.width < 44)
            .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )
    assert small == []


def test_recording_still_works_with_text_at_200_percent(phone):
    sign_in(phone, "worker@example.org")
    phone.evaluate("document.documentElement.style.fontSize = '200%'")
    phone.get_by_role("list", name="My people").get_by_role("link").nth(9).click()
    phone.evaluate("document.documentElement.style.fontSize = '200%'")
    step = rung_buttons(phone).first
    step_text = step.locator(".rung-text").inner_text()
    # Nothing runs off the side of a 360 px screen: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    box = step.bounding_box()
    assert box["width"] <= 360 and box["height"] >= 44
    step.click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Saved")
    expect(status).to_contain_text(re.sub(r"\s+", " ", step_text))
    expect(status.get_by_role("button", name="Undo")).to_be_visible()
    status.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text("Removed")
