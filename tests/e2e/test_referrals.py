"""From referral to first contact in a browser, with real email to an SMTP server on localhost;
staff invitations and self-service password resets end to end.

The tests that follow email run their own demo server (the shared one has no mail server),
pointed at an aiosmtpd server started here, so every email the app sends is seen exactly as
sent; a referral added by staff and the public form with JavaScript off need no email and use
the shared server.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.axe import serious_problems
from tests.fixtures.browser import PHONE, sign_in
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer
from tests.fixtures.smtp import SmtpServer, body

OFFICE = {"viewport": {"width": 1280, "height": 800}}
REFERRER = "dr.okafor@surgery.example.org"
NEW_PASSWORD = "maple harbour violin"


@pytest.fixture(scope="module")
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory, smtp):
    """A demo server that sends its email to the test's SMTP server."""
    with fresh_database(tmp_path_factory.mktemp("mail-db")) as url:
        server = LiveServer(
            url,
            str(tmp_path_factory.mktemp("mail-instance")),
            extra_env={
                "STEPLADDER_SMTP_URL": smtp.url,
                "STEPLADDER_MAIL_FROM": "care@demo.example.org",
            },
        ).start()
        yield server
        server.stop()


def _page(browser, server, **options) -> Page:
    return browser.new_context(base_url=server.url, **options).new_page()


def _link_in(message) -> str:
    match = re.search(r"https?://\S+/set-password/\S+", body(message))
    assert match, body(message)
    return match.group(0)


def _report_figures(page: Page, report_url: str) -> tuple[str, str]:
    """The report's 'people contacted' and median days to first contact, this period."""
    page.goto(report_url)
    contacted = page.get_by_role("row", name=re.compile("^People contacted after a referral"))
    median = page.get_by_role("row", name=re.compile("^Median days to first contact"))
    return (
        contacted.get_by_role("cell").first.inner_text(),
        median.get_by_role("cell").first.inner_text(),
    )


def test_a_referral_goes_from_the_public_form_to_a_first_contact(browser, mail_server, smtp):
    # The supervisor notes the report's time to first contact before anything happens.
    office = _page(browser, mail_server, **OFFICE)
    sign_in(office, "supervisor@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    office.get_by_role("link", name="City Council Mental Health Fund").click()
    office.wait_for_url(re.compile(r"/reports/\d+"))
    today = date.today()
    report_url = (
        office.url.split("?")[0]
        + f"?period=custom&from={(today - timedelta(days=365)).isoformat()}&to={today.isoformat()}"
    )
    before = _report_figures(office, report_url)

    # Someone with no account refers a patient on their phone.
    phone = _page(browser, mail_server, **PHONE)
    phone.goto("/refer/demo")
    phone.get_by_label("Name", exact=True).fill("Winifred Example")
    phone.get_by_label("How we can contact them").fill("07700 900456")
    phone.get_by_label("Reason for referral").fill("Housebound since a fall; low mood.")
    phone.get_by_label("GP").check()
    phone.get_by_label("Your name").fill("Dr Okafor")
    phone.get_by_label("Your email").fill(REFERRER)
    phone.get_by_label(re.compile("^They agree")).check()
    assert serious_problems(phone) == []
    phone.get_by_role("button", name="Send referral").click()
    expect(phone.get_by_role("status")).to_contain_text("Its reference is R-")
    assert "low mood" not in phone.content()

    # The supervisor sees it among the new referrals and accepts it.
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    new = office.get_by_role("list", name="New referrals")
    item = new.get_by_role("listitem").filter(has_text="Winifred Example")
    expect(item).to_be_visible()
    expect(item.get_by_role("button", name=re.compile("^Decline"))).to_be_visible()
    assert serious_problems(office) == []
    item.get_by_role("button", name=re.compile("^Accept")).click()
    expect(office.get_by_text("Accepted: Winifred Example is on the waiting list.")).to_be_visible()
    waiting = office.get_by_role("list", name="Waiting list")
    entry = waiting.get_by_role("listitem").filter(has_text="Winifred Example")
    expect(entry).to_contain_text("0 days waiting")
    expect(new.get_by_role("listitem").filter(has_text="Winifred Example")).to_have_count(0)

    # The referrer hears the outcome, with the reference and no clinical detail.
    [message] = smtp.inbox.wait_for(1)
    assert message["To"] == REFERRER
    assert "accepted" in body(message) and "low mood" not in body(message)

    # The supervisor gives them a key worker; the worker records the first contact.
    entry.get_by_label("Key worker for Winifred Example").select_option(label="Sam Worker")
    entry.get_by_role("button", name=re.compile("^Assign")).click()
    expect(office.get_by_text("Sam Worker is now Winifred Example's key worker.")).to_be_visible()
    worker = _page(browser, mail_server, **PHONE)
    sign_in(worker, "worker@example.org")
    worker.get_by_role("list", name="My people").get_by_role(
        "link", name=re.compile("Winifred Example")
    ).click()
    worker.get_by_role("button", name=re.compile("^Seen today")).click()
    expect(worker.get_by_role("status")).to_contain_text("Saved")

    # The wait is over, and the report's time to first contact has moved.
    office.reload()
    expect(office.get_by_role("list", name="Waiting list")).not_to_contain_text("Winifred")
    after = _report_figures(office, report_url)
    assert int(after[0]) == int(before[0]) + 1
    assert after[1] != before[1]

    # Exactly one email went to the referrer, and the admin's Email page says it was sent.
    admin = _page(browser, mail_server, **OFFICE)
    sign_in(admin, "admin@example.org")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Email").click()
    expect(admin.get_by_role("list", name="Sent")).to_contain_text(REFERRER)
    assert len(smtp.inbox.to(REFERRER)) == 1
    for page in (office, phone, worker, admin):
        page.context.close()


def test_an_invited_member_of_staff_chooses_their_password(browser, mail_server, smtp):
    admin = _page(browser, mail_server, **OFFICE)
    sign_in(admin, "admin@example.org")
    admin.goto("/setup/staff")
    admin.get_by_role("link", name="Invite a member of staff by email").click()
    expect(admin.get_by_role("heading", name="Invite a member of staff")).to_be_visible()
    admin.get_by_label("Name").fill("Nia Newstart")
    admin.get_by_label("Email").fill("nia@example.org")
    admin.get_by_label("Role").select_option(label="Worker")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_text("Invitation sent to nia@example.org.")).to_be_visible()
    [message] = _wait_for_mail_to(smtp, "nia@example.org")
    newcomer = _page(browser, mail_server, **PHONE)
    newcomer.goto(_link_in(message))
    expect(newcomer.get_by_role("heading", name="Welcome, Nia Newstart")).to_be_visible()
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("New password again").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Set password").click()
    expect(newcomer.get_by_text("Your password is set.")).to_be_visible()
    sign_in(newcomer, "nia@example.org", NEW_PASSWORD)
    expect(newcomer.get_by_role("list", name="My people")).to_be_visible()
    # The link worked once: it does not work again.
    newcomer.goto(_link_in(message))
    expect(newcomer.get_by_role("heading", name="This link no longer works")).to_be_visible()
    admin.context.close()
    newcomer.context.close()


def test_a_worker_resets_their_own_password_and_old_sessions_end(browser, mail_server, smtp):
    elsewhere = _page(browser, mail_server, **PHONE)
    sign_in(elsewhere, "worker2@example.org")
    phone = _page(browser, mail_server, **PHONE)
    phone.goto("/sign-in")
    phone.get_by_role("link", name="Forgot your password?").click()
    expect(phone.get_by_role("heading", name="Forgot your password")).to_be_visible()
    phone.get_by_label("Email").fill("worker2@example.org")
    phone.get_by_role("button", name="Send reset link").click()
    expect(phone.get_by_role("status")).to_contain_text("If an account uses that address")
    [message] = _wait_for_mail_to(smtp, "worker2@example.org")
    phone.goto(_link_in(message))
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("New password again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Set password").click()
    expect(phone.get_by_text("Your password is set.")).to_be_visible()
    sign_in(phone, "worker2@example.org", NEW_PASSWORD)
    expect(phone.get_by_role("list", name="My people")).to_be_visible()
    # The session signed in with the old password has ended.
    elsewhere.goto("/people")
    expect(elsewhere.get_by_label("Password")).to_be_visible()
    phone.context.close()
    elsewhere.context.close()


def _wait_for_mail_to(smtp, address: str) -> list:
    """The messages to `address`, once at least one has arrived."""
    with smtp.inbox.arrived:
        assert smtp.inbox.arrived.wait_for(lambda: smtp.inbox.to(address), timeout=30)
        return smtp.inbox.to(address)


def test_a_supervisor_adds_a_referral_taken_by_phone(office):
    sign_in(office, "supervisor@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    office.get_by_role("link", name="Add a referral").click()
    expect(office.get_by_role("heading", name="Add a referral")).to_be_visible()
    assert serious_problems(office) == []
    office.get_by_label("Name", exact=True).fill("Tomasz Phonedin")
    office.get_by_label("How we can contact them").fill("07700 900789")
    office.get_by_label("Reason for referral").fill("His sister rang: not out for months.")
    office.get_by_label("Community mental health team").check()
    office.get_by_label("Your name").fill("Duty worker")
    office.get_by_label(re.compile("^They agree")).check()
    office.get_by_role("button", name="Add referral").click()
    expect(office.get_by_text(re.compile(r"^Referral R-\w+ added\.$"))).to_be_visible()
    reference = re.search(r"R-\w+", office.get_by_text(re.compile("^Referral R-")).inner_text())[0]
    # It joins the queue like any referral from the public form, once.
    new = office.get_by_role("list", name="New referrals")
    item = new.get_by_role("listitem").filter(has_text=reference)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Tomasz Phonedin")
    expect(item).to_contain_text("Community mental health team")
    item.get_by_role("button", name=re.compile("^Accept")).click()
    expect(office.get_by_text("Accepted: Tomasz Phonedin is on the waiting list.")).to_be_visible()
    waiting = office.get_by_role("list", name="Waiting list")
    expect(waiting.get_by_role("listitem").filter(has_text="Tomasz Phonedin")).to_have_count(1)


def test_the_public_form_works_with_javascript_off(browser, live_server, office):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    phone = context.new_page()
    phone.goto("/refer/demo")
    phone.get_by_label("Name", exact=True).fill("Hester Plainform")
    phone.get_by_label("How we can contact them").fill("hester@example.org")
    phone.get_by_label("Reason for referral").fill("Would like to try the drop-in group.")
    phone.get_by_label("I am referring myself").check()
    phone.get_by_label("Your name").fill("Hester Plainform")
    phone.get_by_label(re.compile("^They agree")).check()
    phone.get_by_role("button", name="Send referral").click()
    expect(phone.get_by_role("heading", name="Referral sent")).to_be_visible()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("Its reference is R-")
    reference = re.search(r"R-\w+", status.inner_text())[0]
    context.close()
    # Stored once: one new referral with that reference, for the supervisor to decide on.
    sign_in(office, "supervisor@example.org")
    office.goto("/referrals")
    new = office.get_by_role("list", name="New referrals")
    expect(new.get_by_role("listitem").filter(has_text="Hester Plainform")).to_have_count(1)
    expect(new.get_by_role("listitem").filter(has_text=reference)).to_contain_text(
        "From: Self-referral"
    )
