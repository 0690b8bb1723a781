"""Activities, what the service does: start from the template, add, rename, reorder, retire."""

from flask import flash, redirect, render_template, url_for
from wtforms import BooleanField

from app import ladder_templates
from app.access import allow, scoped
from app.audit import record
from app.extensions import db
from app.models import Activity
from app.setup import bp, queries
from app.setup.forms import (
    ActivityForm,
    ButtonForm,
    StarterActivitiesForm,
    add_text_field,
    named_uniquely,
)
from app.setup.ordering import add_list_routes, next_position
from app.setup.saving import saved


def starter_form() -> StarterActivitiesForm:
    """The template's activities, each ticked to keep and with its name ready to change."""

    class Form(StarterActivitiesForm):
        pass

    for i, spec in enumerate(ladder_templates.load()["activities"]):
        setattr(Form, f"keep_{i}", BooleanField(f"Keep “{spec['name']}”", default=True))
        add_text_field(Form, f"name_{i}", f"Name for “{spec['name']}”", 120, default=spec["name"])
    Form.size = len(ladder_templates.load()["activities"])
    return Form()


def _page(status: int = 200, add: ActivityForm | None = None, editing=None, starter=None):
    """The activities page; `editing` is (activity id, form) when a rename needs fixing."""
    rows = queries.activities()
    if starter is None and not rows:
        starter = starter_form()
    context = dict(
        live=[a for a in rows if not a.retired],
        retired=[a for a in rows if a.retired],
        add=add or ActivityForm(formdata=None),
        editing=editing or (None, None),
        starter=starter,
        button=ButtonForm(),
    )
    return render_template("setup/activities.html", **context), status


@bp.get("/activities")
@allow("admin")
def activities():
    """What the service does: the organisation's activities, in the order workers see them."""
    return _page()


@bp.post("/activities")
@allow("admin")
def add_activity():
    """Add an activity at the end of the list."""
    form = ActivityForm()
    if not named_uniquely(form, queries.activities, "an activity"):
        return _page(422, add=form)
    org = queries.organisation()
    activity = Activity(
        organisation_id=org.id, name=form.name.data, position=next_position(queries.activities())
    )
    db.session.add(activity)
    db.session.flush()
    record("setup.create", f"activity:{activity.id}", activity.name)
    return saved(f"Added “{activity.name}”.", url_for(".activities"))


@bp.post("/activities/starter")
@allow("admin")
def adopt_starter_activities():
    """Create the organisation's first activities from the template: the ticked ones, as named."""
    form = starter_form()
    if not form.validate():
        return _page(422, starter=form)
    if queries.activities():
        flash("This organisation already has activities; add more one at a time.", "error")
        return redirect(url_for(".activities"), code=303)
    names, template_names = [], {}
    specs = ladder_templates.load()["activities"]
    for i in range(form.size):
        if not form[f"keep_{i}"].data:
            continue
        name_field = form[f"name_{i}"]
        if not name_field.data:
            name_field.errors = ["Give a name, or untick this activity."]
        elif name_field.data.lower() in {n.lower() for n in names}:
            name_field.errors = [f"“{name_field.data}” is in the list twice."]
        else:
            names.append(name_field.data)
            template_names[name_field.data] = specs[i]["name"]
    if any(form[f"name_{i}"].errors for i in range(form.size)) or not names:
        if not names:
            flash("Tick at least one activity, or add your own below.", "error")
        return _page(422, starter=form)
    org = queries.organisation()
    for position, name in enumerate(names, start=1):
        activity = Activity(
            organisation_id=org.id,
            name=name,
            template_name=template_names[name],
            position=position,
        )
        db.session.add(activity)
    detail = "activities from the template: " + ", ".join(names)
    record("setup.create", f"organisation:{org.id}", detail)
    return saved(f"Added {len(names)} activities.", url_for(".activities"))


@bp.post("/activities/<int:activity_id>/rename")
@allow("admin")
def rename_activity(activity_id: int):
    """Rename an activity; entries made under the old name now show the new one."""
    activity = scoped(Activity, activity_id)
    form = ActivityForm()
    if not named_uniquely(form, queries.activities, "an activity", activity.id):
        return _page(422, editing=(activity.id, form))
    detail = f"renamed from “{activity.name}” to “{form.name.data}”"
    record("setup.change", f"activity:{activity.id}", detail)
    activity.name = form.name.data
    return saved(f"Renamed to “{activity.name}”.", url_for(".activities"))


# Moving, retiring and restoring an activity: the same views as for outcomes.
add_list_routes(Activity, "activity", "activities", queries.activities)
