"""Template filters and globals shared by every page."""

import uuid
from datetime import datetime

from flask import Flask
from flask_login import current_user

from app import access, links, replica, roles
from app.entries import modes
from app.entries.queries import arrived_late
from app.local_time import local_days_since, to_local
from app.visits import queries as visit_queries

# The worker's phone nav stays at two links (it must fit 360 px at large text sizes); the
# worker reaches their account from the foot of My people.


def local_datetime(value: datetime) -> str:
    return to_local(value).strftime("%a %-d %b %Y, %H:%M")


def local_date(value: datetime) -> str:
    return to_local(value).strftime("%-d %b %Y")


def ago(value: datetime | None, now: datetime) -> str:
    """'today', 'yesterday', '3 days ago', '5 weeks ago' — how long since, in plain words."""
    if value is None:
        return "never"
    days = local_days_since(value, to_local(now).date())
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


def nav_links() -> list[tuple[str, str]]:
    from flask import current_app

    links = roles.NAVIGATION.get(current_user.role, [])
    return [
        (endpoint, label) for endpoint, label in links if endpoint in current_app.view_functions
    ]


def init_app(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(ago)
    app.add_template_filter(modes.label, "mode_label")
    app.add_template_global(visit_queries.state, "visit_state")
    app.add_template_test(arrived_late)
    app.add_template_global(nav_links)
    # What a page shows each role is asked of access and roles, never spelt out in a template.
    app.add_template_global(lambda endpoint: access.may(current_user, endpoint), "may")
    app.add_template_global(roles.works_from_caseload)
    app.add_template_global(roles.reads_shared_reports_only)
    app.add_template_global(replica.freshness, "figures_freshness")
    app.add_template_global(links.external_url)
    # A fresh entry UUID for forms posted with JavaScript off; scripts replace it at the tap.
    app.add_template_global(lambda: str(uuid.uuid4()), "new_uuid")
