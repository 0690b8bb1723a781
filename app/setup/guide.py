"""The admin's home: the guided first set-up of a new organisation, then an overview.

The guide follows the method in the order that works: what the service does, the outcomes that
matter, how they link, the staff, the funders, and last the people, so that each person can be
given their outcomes and key workers as they are added or imported. Each step is the area's
own page with the guide's progress list on top, so every step can be skipped and revisited,
and nothing is entered twice.
"""

from dataclasses import dataclass

from flask import current_app, render_template, request, url_for

from app.access import allow
from app.audit import record
from app.form_fields import stale_page
from app.models import Activity, Funder, Outcome, Person, User
from app.setup import bp, queries
from app.setup.forms import ButtonForm
from app.setup.saving import saved


@dataclass
class Step:
    number: int
    key: str
    title: str
    endpoint: str
    done: bool = False


def steps() -> list[Step]:
    """The guide's steps in the method's order, each marked done once it holds something."""
    # People come last: by then their outcomes and key workers exist to be given to them.
    # "How they link" is done only when every activity in use serves an outcome (a renamed or
    # added activity with no links would otherwise count for nothing in reports, unseen).
    found = [
        ("activities", "What the service does", "setup.activities", queries.count(Activity) > 0),
        ("outcomes", "The outcomes that matter", "setup.outcomes", queries.count(Outcome) > 0),
        ("links", "How they link", "setup.links", queries.every_activity_linked()),
        ("staff", "Staff", "setup.staff", queries.count(User, User.role != "admin") > 0),
        ("funders", "Funders", "reports.index", queries.count(Funder) > 0),
        ("people", "Who it does it with", "setup.people", queries.count(Person) > 0),
    ]
    return [Step(n, *step) for n, step in enumerate(found, start=1)]


@bp.app_context_processor
def guide_context() -> dict:
    """On every set-up page (and the funders' list, a step of the guide) of an organisation
    still being set up: the guide's progress."""
    from flask_login import current_user

    if request.blueprint != "setup" and request.endpoint != "reports.index":
        return {"guide": None}
    if (
        not current_user.is_authenticated
        or current_user.role != "admin"
        or current_user.organisation.setup_done
    ):
        return {"guide": None}
    all_steps = steps()
    current = next((s for s in all_steps if s.endpoint == request.endpoint), None)
    following = all_steps[current.number] if current and current.number < len(all_steps) else None
    return {
        "guide": {"steps": all_steps, "current": current, "next": following, "finish": ButtonForm()}
    }


@bp.get("/")
@allow("admin")
def index():
    """The admin's home: the guided set-up for a new organisation, else an overview of set-up."""
    org = queries.organisation()
    if not org.setup_done:
        imports = "imports.index" in current_app.view_functions
        return render_template("setup/guide.html", org=org, imports=imports)
    summary = dict(
        activities=queries.count(Activity, ~Activity.retired),
        outcomes=queries.count(Outcome, ~Outcome.retired),
        people=queries.count(Person, Person.status == "active"),
        staff=queries.count(User, User.active),
        links=queries.link_count(),
    )
    return render_template("setup/index.html", org=org, summary=summary)


@bp.post("/finish")
@allow("admin")
def finish():
    """Finish the guided set-up: from now on /setup/ is an overview."""
    if not ButtonForm().validate_on_submit():
        return stale_page(url_for(".index"))
    org = queries.organisation()
    org.setup_done = True
    record("setup.change", f"organisation:{org.id}", "finished the guided set-up")
    return saved(
        "Set-up finished. You can change any of it from here at any time.", url_for(".index")
    )
