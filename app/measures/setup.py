"""Admin set-up of measures: switch them on, plan when they are due, import a licensed one."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import delete, select

from app.access import allow
from app.audit import record
from app.extensions import db
from app.measures import bp, catalogue
from app.measures.definitions import DefinitionError, parse_text, shipped
from app.measures.forms import ImportForm, PlanForm, SafeguardingForm
from app.measures.scoring import RULES
from app.models import (
    Funder,
    MeasurePlan,
    MeasureSettings,
    OrganisationMeasure,
    Outcome,
    SafeguardingPermission,
    User,
)
from app.setup.saving import saved

MAX_FILE = 200_000


def _choices(org_id: int) -> tuple[list, list]:
    outcomes = db.session.scalars(
        select(Outcome)
        .where(Outcome.organisation_id == org_id, ~Outcome.retired)
        .order_by(Outcome.position, Outcome.id)
    )
    funders = db.session.scalars(
        select(Funder).where(Funder.organisation_id == org_id).order_by(Funder.name)
    )
    return [(str(o.id), o.name) for o in outcomes], [(str(f.id), f.name) for f in funders]


def _plan_form(org_id: int, plan: MeasurePlan | None, definition, formdata=None) -> PlanForm:
    form = PlanForm(formdata=formdata, prefix=definition.key)
    form.outcomes.choices, form.funders.choices = _choices(org_id)
    if formdata is None:
        due = definition.due
        form.baseline.data = plan.baseline if plan else due["baseline"]
        form.every_weeks.data = plan.every_weeks if plan else due["every_weeks"]
        form.at_discharge.data = plan.at_discharge if plan else due["at_discharge"]
        form.show_bands.data = plan.show_bands if plan else False
        form.outcomes.data = [str(o.id) for o in plan.outcomes] if plan else []
        form.funders.data = [str(f.id) for f in plan.funders] if plan else []
        form.accept_terms.data = bool(plan and plan.active)
    return form


def _staff(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == org_id, User.role != "funder", User.active)
            .order_by(User.name)
        )
    )


def _page(forms=None, safeguarding=None, importing=None, status: int = 200):
    """The measures set-up page: every measure available with its terms, on or off."""
    org_id = current_user.organisation_id
    plans = {
        p.measure_key: p
        for p in db.session.scalars(
            select(MeasurePlan).where(MeasurePlan.organisation_id == org_id)
        )
    }
    definitions = sorted(catalogue.available(org_id).values(), key=lambda d: d.name.lower())
    forms = forms or {}
    rows = [
        (d, plans.get(d.key), forms.get(d.key) or _plan_form(org_id, plans.get(d.key), d))
        for d in definitions
    ]
    if safeguarding is None:
        safeguarding = SafeguardingForm(formdata=None)
        safeguarding.procedure.data = catalogue.settings(org_id).safeguarding_procedure
        safeguarding.readers.data = [
            str(uid)
            for uid in db.session.scalars(
                select(SafeguardingPermission.user_id).where(
                    SafeguardingPermission.organisation_id == org_id
                )
            )
        ]
    safeguarding.readers.choices = [(str(u.id), u.name) for u in _staff(org_id)]
    return (
        render_template(
            "measures/setup.html",
            rows=rows,
            rules=RULES,
            shipped=shipped(),
            safeguarding=safeguarding,
            importing=importing or ImportForm(formdata=None),
        ),
        status,
    )


@bp.get("/setup/measures")
@allow("admin")
def setup():
    """Measures: which are switched on, when they are due, and each one's source and terms."""
    return _page()


@bp.post("/setup/measures/<key>")
@allow("admin")
def save_plan(key: str):
    """Switch a measure on (with its plan) or, with "switch_off", off again."""
    org_id = current_user.organisation_id
    definition = catalogue.definition(org_id, key)
    if definition is None:
        return _page(status=404)
    plan = catalogue.plan_for(org_id, key)
    if request.form.get("switch_off"):
        if plan is not None:
            plan.active = False
            record("setup.change", f"measure:{key}", "switched off")
            db.session.commit()
        flash(f"Switched {definition.name} off. Its readings are kept.", "info")
        return redirect(url_for(".setup"), code=303)
    form = _plan_form(org_id, plan, definition, formdata=request.form)
    valid = form.validate()
    outcome_ids = {v for v, _ in form.outcomes.choices}
    funder_ids = {v for v, _ in form.funders.choices}
    if not set(form.outcomes.data or []) <= outcome_ids:
        form.outcomes.errors = ["Choose outcomes of this organisation."]
        valid = False
    if not set(form.funders.data or []) <= funder_ids:
        form.funders.errors = ["Choose funders of this organisation."]
        valid = False
    if not form.accept_terms.data:
        form.accept_terms.errors = [f"Confirm you have read {definition.name}'s terms."]
        valid = False
    if not valid:
        return _page(forms={key: form}, status=422)
    if plan is None:
        plan = MeasurePlan(organisation_id=org_id, measure_key=key)
        db.session.add(plan)
    plan.active = True
    plan.baseline = form.baseline.data
    plan.every_weeks = form.every_weeks.data
    plan.at_discharge = form.at_discharge.data
    plan.show_bands = form.show_bands.data
    plan.outcomes = list(
        db.session.scalars(
            select(Outcome).where(Outcome.id.in_([int(i) for i in form.outcomes.data or []]))
        )
    )
    plan.funders = list(
        db.session.scalars(
            select(Funder).where(Funder.id.in_([int(i) for i in form.funders.data or []]))
        )
    )
    record("setup.change", f"measure:{key}", "switched on")
    return saved(f"{definition.name} is switched on.", url_for(".setup"))


@bp.post("/setup/measures/safeguarding")
@allow("admin")
def save_safeguarding():
    """Save the safeguarding procedure and who holds the safeguarding permission."""
    org_id = current_user.organisation_id
    form = SafeguardingForm()
    form.readers.choices = [(str(u.id), u.name) for u in _staff(org_id)]
    chosen = set(form.readers.data or [])
    valid = form.validate()
    if not chosen <= {v for v, _ in form.readers.choices}:
        form.readers.errors = ["Choose staff of this organisation."]
        valid = False
    if not valid:
        return _page(safeguarding=form, status=422)
    settings = db.session.get(MeasureSettings, org_id)
    if settings is None:
        settings = MeasureSettings(organisation_id=org_id)
        db.session.add(settings)
    settings.safeguarding_procedure = (form.procedure.data or "").strip()
    db.session.execute(
        delete(SafeguardingPermission).where(SafeguardingPermission.organisation_id == org_id)
    )
    for user_id in sorted(chosen):
        db.session.add(SafeguardingPermission(user_id=int(user_id), organisation_id=org_id))
    record("setup.change", f"organisation:{org_id}", "safeguarding")
    return saved("Saved the safeguarding procedure and who may read concerns.", url_for(".setup"))


@bp.post("/setup/measures/import")
@allow("admin")
def import_definition():
    """Import the organisation's own licensed definition file; its wording is kept verbatim."""
    org_id = current_user.organisation_id
    form = ImportForm()
    upload = form.file.data
    problem = None
    if not form.validate() or upload is None or not getattr(upload, "filename", ""):
        problem = "Choose a definition file to import."
    else:
        data = upload.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            problem = "That file is too large for a measure definition."
        else:
            try:
                definition = parse_text(data.decode("utf-8"))
            except UnicodeDecodeError:
                problem = "The file is not UTF-8 text."
            except DefinitionError as error:
                problem = f"That definition cannot be used. {error}"
            else:
                if definition.key in shipped():
                    problem = f"{definition.key!r} is a measure Stepladder already ships."
                elif db.session.scalar(
                    select(OrganisationMeasure).where(
                        OrganisationMeasure.organisation_id == org_id,
                        OrganisationMeasure.key == definition.key,
                    )
                ):
                    problem = f"A measure with the key {definition.key!r} is already imported."
    if problem:
        form.file.errors = [problem]
        return _page(importing=form, status=422)
    db.session.add(
        OrganisationMeasure(
            organisation_id=org_id,
            key=definition.key,
            body=definition.raw,
            imported_by_id=current_user.id,
        )
    )
    record("setup.change", f"measure:{definition.key}", "imported")
    return saved(
        f"Imported {definition.name}. Switch it on below when you are ready.", url_for(".setup")
    )
