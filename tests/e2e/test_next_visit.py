"""Next visits on a phone: set in two taps, today's first on My people, overdue ones marked."""

import re

from playwright.sync_api import expect

from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import sign_in, someone_to_visit


def _people_names(page) -> list[str]:
    people = page.get_by_role("list", name="My people")
    return [name.strip() for name in people.locator(".name").all_inner_texts()]


# First in the file: the next test may set one of this worker's overdue visits for today
# (the demo's live server is shared by the file's tests).
def test_overdue_visits_are_marked_on_my_people(phone):
    sign_in(phone, "worker@example.org")
    expect(
        phone.get_by_role("list", name="My people").get_by_text(re.compile("Visit overdue since"))
    ).not_to_have_count(0)


def test_a_next_visit_set_in_two_taps_puts_the_person_first_today(phone):
    sign_in(phone, "worker@example.org")
    people = phone.get_by_role("list", name="My people")
    target = someone_to_visit(people)
    name = target.locator(".name").inner_text()
    target.click()
    phone.wait_for_url(re.compile(r"/people/\d+$"))

    phone.get_by_text(re.compile(r"^(Set next visit|.*· change)$")).click()  # tap one
    phone.get_by_role("button", name="Today", exact=True).click()  # tap two
    expect(phone.get_by_text(re.compile("Visit today"))).to_be_visible()

    phone.get_by_role("link", name="My people").first.click()
    phone.wait_for_url(re.compile(r"/people$"))
    first = phone.get_by_role("list", name="My people").get_by_role("link")
    expect(first.first).to_contain_text("Visit today")
    today = [n for n, text in enumerate(first.all_inner_texts()) if "Visit today" in text]
    assert name in [_people_names(phone)[n] for n in today]
    # Today's visits come before everyone else.
    assert today == list(range(len(today)))


def test_the_supervisor_sees_overdue_visits_on_the_attention_list(office):
    sign_in(office, "supervisor@example.org")
    office.goto("/overview/")
    overdue = office.get_by_role("list", name="Overdue visits")
    expect(overdue.get_by_role("link").first).to_be_visible()
    expect(overdue).to_contain_text("due ")
    assert serious_problems(office) == []
