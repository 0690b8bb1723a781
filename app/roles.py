"""The roles, in one place: which exist, how views group them, which people each sees, and
what each finds in the navigation.

Views declare their audience with `access.allow(*group)` using the groups here; which rows a
user may open is `access` (their organisation's, and for a worker their caseload's). Pages
show a link or a form when `access.may` says its view is open to the user, and ask the
questions below for the rest, so no template names a role. A
funder's officer reads reports and nothing else: no person is ever theirs to see.
"""

ROLES = ("worker", "supervisor", "admin", "funder")
STAFF = ("worker", "supervisor", "admin")  # the service's own people
OFFICE = ("supervisor", "admin")  # staff who see the whole service
READERS = (*OFFICE, "funder")  # who reads funders' reports

# What each role finds in the main navigation (links whose area is switched off are dropped).
NAVIGATION = {
    "worker": [("caseload.my_people", "My people"), ("week.index", "My week")],
    "supervisor": [
        ("overview.index", "Overview"),
        ("caseload.my_people", "People"),
        ("sessions.index", "Group sessions"),
        ("referrals.queue", "Referrals"),
        ("reports.index", "Reports"),
        ("stories.index", "Stories"),
        ("accounts.account", "Account"),
    ],
    "admin": [
        ("setup.index", "Set-up"),
        ("overview.index", "Overview"),
        ("caseload.my_people", "People"),
        ("referrals.queue", "Referrals"),
        ("reports.index", "Reports"),
        ("mail.index", "Email"),
        ("audit.index", "Audit"),
        ("accounts.account", "Account"),
    ],
    "funder": [("reports.index", "Reports"), ("accounts.account", "Account")],
}


def works_from_caseload(user) -> bool:
    """A worker: their people are a caseload of their own ("My people", where office staff
    see "People"), and their phone's navigation keeps to two links, the rest reached from
    the foot of My people."""
    return user.role == "worker"


def reads_shared_reports_only(user) -> bool:
    """A funder's officer: the reports they read are those shared with them, never the
    service's own list of funders."""
    return user.role == "funder"


def sees_everyone(user) -> bool:
    """Whether `user` sees every person of their organisation, not only a caseload: office
    staff always, a worker when the service lets its workers see everyone, a funder never."""
    if user.role in OFFICE:
        return True
    return works_from_caseload(user) and user.organisation.workers_see_everyone
