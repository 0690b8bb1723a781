"""A worker's group register on a phone: four people marked in one tap each, saved without
signal, sent when the signal returns, and stored exactly once, one entry per person."""

import re
from collections import Counter
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import open_someone_climbing, sign_in
from tests.fixtures.offline import (
    export_rows,
    outbox,
    sync_region,
    wait_until_outbox_empty,
)


def _start_register_of_four(phone, check_axe: bool = False) -> tuple[str, list[str]]:
    """From My people: Group sessions → New session → Drop-in group with four of the
    worker's people → Start register. Returns the register's path and the four names."""
    sign_in(phone, "worker@example.org")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    # The four seen most recently (the top of My people): the people the worker is with now,
    # and not those whose visits the demo left overdue (seen longest ago).
    names = [
        name.strip()
        for name in phone.get_by_role("list", name="My people").locator(".name").all_inner_texts()
    ][:4]
    phone.get_by_role("link", name="Group sessions").click()
    phone.get_by_role("link", name="New session").click()
    if check_axe:
        assert serious_problems(phone) == []
    phone.get_by_label("Activity").select_option(label="Drop-in group")
    phone.get_by_label("Add the regular members").uncheck()
    phone.get_by_text("Choose people for the register").click()
    people = phone.get_by_role("group", name="People on the register")
    for name in names:
        people.get_by_label(name, exact=True).check()
    phone.get_by_role("button", name="Start register").click()
    phone.wait_for_url(re.compile(r"/sessions/\d+$"))
    for name in names:
        expect(phone.get_by_role("group", name=name)).to_be_visible()
    return urlparse(phone.url).path, names


def test_a_register_of_four_saved_offline_is_stored_once_when_back_online(
    phone, browser, live_server
):
    path, names = _start_register_of_four(phone, check_axe=True)
    session_id = path.rsplit("/", 1)[-1]
    assert serious_problems(phone) == []

    phone.context.set_offline(True)
    for name in names[:3]:
        phone.get_by_role("group", name=name).get_by_label("Attended").check()
    phone.get_by_role("group", name=names[3]).get_by_label("Did not attend").check()
    phone.get_by_role("button", name="Save register").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved on this phone")
    expect(sync_region(phone)).to_contain_text("1 waiting to send")
    [kept] = outbox(phone)

    phone.context.set_offline(False)
    phone.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until_outbox_empty(phone)

    # The same post again (a phone that never heard the answer): stored nothing new.
    phone.evaluate("entry => StepladderOutbox.add(entry)", {**kept, "state": "waiting"})
    phone.evaluate("() => StepladderSync.replay({force: true})")
    wait_until_outbox_empty(phone)

    rows = [r for r in export_rows(browser, live_server.url) if r["session"] == session_id]
    assert len(rows) == 4
    assert Counter(r["entry_id"] for r in rows).most_common(1)[0][1] == 1
    assert sorted(r["kind"] for r in rows) == ["dna", "seen", "seen", "seen"]
    assert {r["activity"] for r in rows} == {"Drop-in group"}
    assert {r["mode"] for r in rows if r["kind"] == "seen"} == {"face_to_face"}

    phone.reload()
    saved = phone.get_by_role("list", name="Attendance")
    for name in names[:3]:
        expect(saved).to_contain_text(f"{name}: Attended")
    expect(saved).to_contain_text(f"{names[3]}: Did not attend")


def test_a_register_saved_online_says_saved_and_shows_who_came(phone):
    path, names = _start_register_of_four(phone)
    for name in names[:2]:
        phone.get_by_role("group", name=name).get_by_label("Attended").check()
    phone.get_by_label("Drop-in attendees not on the register").fill("2")
    phone.get_by_role("button", name="Save register").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved · register of 2")
    expect(phone.get_by_role("list", name="Attendance")).to_contain_text(f"{names[0]}: Attended")
    expect(phone.get_by_text("2 drop-in attendees not on the register.")).to_be_visible()


def test_a_step_recorded_from_the_register_counts_under_the_sessions_activity(
    phone, browser, live_server
):
    sign_in(phone, "worker@example.org")
    name = open_someone_climbing(phone)
    reference = phone.locator(".person-head .meta").first.inner_text().split(" · ")[0].strip()
    # Their latest contact is doorstep support, so their page would tick that by itself.
    phone.get_by_label("Doorstep support", exact=True).check()
    phone.get_by_role("button", name=re.compile("^Seen today")).click()
    expect(phone.get_by_role("status")).to_contain_text("Saved")

    # A Drop-in group session that began just after midnight, with them on its register.
    phone.get_by_role("link", name="My people").first.click()
    phone.get_by_role("link", name="Group sessions").click()
    phone.get_by_role("link", name="New session").click()
    phone.get_by_label("Activity").select_option(label="Drop-in group")
    phone.get_by_label("Time (optional)").fill("00:01")
    phone.get_by_label("Add the regular members").uncheck()
    phone.get_by_text("Choose people for the register").click()
    phone.get_by_role("group", name="People on the register").get_by_label(name, exact=True).check()
    phone.get_by_role("button", name="Start register").click()
    phone.wait_for_url(re.compile(r"/sessions/\d+$"))
    phone.get_by_role("group", name=name).get_by_label("Attended").check()
    phone.get_by_role("button", name="Save register").click()
    expect(phone.get_by_role("status")).to_contain_text("Saved · register of 1")

    def steps_under_the_group() -> list[dict]:
        return [
            row
            for row in export_rows(browser, live_server.url)
            if row["person_reference"] == reference
            and row["kind"] == "step"
            and row["activity"] == "Drop-in group"
        ]

    before = steps_under_the_group()
    phone.get_by_role("link", name=f"Record a step for {name}").click()
    phone.wait_for_url(re.compile(r"/people/\d+\?activity=\d+$"))
    expect(phone.get_by_label("Drop-in group", exact=True)).to_be_checked()
    step = phone.get_by_role("button", name=re.compile("Next step")).first
    rung = step.locator(".rung-text").inner_text().strip()
    step.click()
    expect(phone.get_by_role("status")).to_contain_text("Saved")
    after = steps_under_the_group()
    assert len(after) == len(before) + 1
    [new] = [row for row in after if row["entry_id"] not in {r["entry_id"] for r in before}]
    assert new["rung"] == rung
    assert new["session"] == ""  # a step, not a second attendance of the session
    assert serious_problems(phone) == []
