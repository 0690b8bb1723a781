"""Funder reports: the list, a funder's period report and its downloads, and funder set-up."""

from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import exists, select
from wtforms.fields.choices import SelectChoice

from app import audit, charts
from app.access import allow, organisation_row, scoped, scoped_under
from app.entries import indicators
from app.extensions import db
from app.local_time import local_today
from app.measures import catalogue
from app.models import (
    Activity,
    Funder,
    Indicator,
    IndicatorChange,
    Outcome,
    Rung,
    User,
    activities_of,
    funder_viewer,
)
from app.models.clock import utcnow
from app.replica import replica_reads
from app.reports import files, periods, targets
from app.reports.forms import FunderForm, IndicatorEditForm, IndicatorForm
from app.reports.report import build, tidy
from app.roles import READERS

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _funders() -> list[Funder]:
    """The funders the signed-in user may see: all of the organisation's, or those attached to."""
    query = select(Funder).where(Funder.organisation_id == current_user.organisation_id)
    if current_user.role == "funder":
        query = query.join(funder_viewer).where(funder_viewer.c.user_id == current_user.id)
    return list(db.session.scalars(query.order_by(Funder.name)))


def funder_or_404(funder_id: int) -> Funder:
    """This organisation's funder; for a funder viewer, only one they are attached to."""
    funder = scoped(Funder, funder_id)
    if current_user.role == "funder":
        attached = db.session.scalar(
            select(
                exists().where(
                    funder_viewer.c.funder_id == funder.id,
                    funder_viewer.c.user_id == current_user.id,
                )
            )
        )
        if not attached:
            abort(404)
    return funder


@bp.get("/")
@allow(*READERS)
def index():
    """The funders whose reports the signed-in user may see."""
    return render_template("reports/index.html", funders=_funders())


def _offered(funder: Funder):
    """The test of which periods this funder's report offers (those inside its funding)."""
    today = local_today()
    return lambda period: targets.within_funding(funder, period, today)


def _chosen_period(funder: Funder) -> periods.Period:
    """The period asked for: a named one, custom dates, or the last complete one when none is
    given; a period wholly outside the funding is refused with the reason."""
    period = _asked_period(funder)
    if not _offered(funder)(period):
        dates = " to ".join(
            f"{d:%-d %b %Y}" for d in (funder.starts_on, funder.ends_on) if d is not None
        )
        raise periods.PeriodError(
            f"{period.label} is outside {funder.name}'s funding ({dates or 'not started'}): "
            "choose a period within it."
        )
    return period


def _asked_period(funder: Funder) -> periods.Period:
    """The period the query string names, or the default."""
    code = request.args.get("period", "").strip()
    first, last = request.args.get("from", "").strip(), request.args.get("to", "").strip()
    if code == "custom" or (not code and (first or last)):
        if not first or not last:
            raise periods.PeriodError("Give both the first and the last day of the custom period.")
        code = f"{first}..{last}"
    if not code and not request.args:
        return periods.last_complete(local_today(), _offered(funder))
    return periods.parse(code)


@bp.get("/<int:funder_id>")
@allow(*READERS)
@replica_reads
def report(funder_id: int):
    """A funder's report for a period, beside the period before it."""
    funder = funder_or_404(funder_id)
    context = dict(
        funder=funder,
        choices=periods.choices(local_today(), _offered(funder)),
        report=None,
        problem=None,
        bars=charts.bars,
    )
    try:
        period = _chosen_period(funder)
    except periods.PeriodError as problem:
        context.update(problem=str(problem), chosen=request.args.get("period", ""))
        return render_template("reports/report.html", **context), 422
    context.update(report=build(funder, period), chosen=period.code, produced_at=utcnow())
    audit.record("report.view", f"funder:{funder.id}", period.code)
    return render_template("reports/report.html", **context)


@bp.get("/<int:funder_id>/report.<any(xlsx, csv):fmt>")
@allow(*READERS)
@replica_reads
def download(funder_id: int, fmt: str):
    """The report as an Excel workbook or a CSV file, with the same figures as the page."""
    funder = funder_or_404(funder_id)
    try:
        period = _chosen_period(funder)
    except periods.PeriodError as problem:
        return Response(str(problem), status=400, mimetype="text/plain")
    result = build(funder, period)
    audit.record("report.export", f"funder:{funder.id}", f"{period.code} {fmt}")
    if fmt == "xlsx":
        body, mimetype = files.to_xlsx(result), files.XLSX
    else:
        body, mimetype = files.to_csv(result), "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{files.filename(result, fmt)}"',
        },
    )


# --- set-up (admins) -----------------------------------------------------------------------


def _org_rows(model, *order) -> list:
    query = select(model).where(model.organisation_id == current_user.organisation_id)
    return list(db.session.scalars(query.order_by(*order)))


def _funder_form(funder: Funder | None) -> FunderForm:
    form = FunderForm(obj=funder)
    form.activities.choices = [
        SelectChoice(a.id, a.name)
        for a in activities_of(current_user.organisation_id)
        if not a.retired or (funder and a in funder.activities)
    ]
    form.outcomes.choices = [
        SelectChoice(o.id, o.name)
        for o in _org_rows(Outcome, Outcome.position, Outcome.name)
        if not o.retired or (funder and o in funder.outcomes)
    ]
    viewers = [u for u in _org_rows(User, User.name) if u.role == "funder"]
    form.viewers.choices = [SelectChoice(u.id, f"{u.name} ({u.email})") for u in viewers]
    if funder is not None and request.method == "GET":
        form.activities.data = [a.id for a in funder.activities]
        form.outcomes.data = [o.id for o in funder.outcomes]
        form.viewers.data = list(
            db.session.scalars(
                select(funder_viewer.c.user_id).where(funder_viewer.c.funder_id == funder.id)
            )
        )
    return form


def _save_funder(form: FunderForm, funder: Funder) -> None:
    """Copy the form onto the funder, ignoring ids it did not offer (another organisation's)."""
    offered = {
        name: {c.value for c in getattr(form, name).choices}
        for name in ("activities", "outcomes", "viewers")
    }
    funder.name = form.name.data.strip()
    funder.description = (form.description.data or "").strip()
    funder.starts_on, funder.ends_on = form.starts_on.data, form.ends_on.data
    funder.target_basis = form.target_basis.data
    # An id sent twice (a hand-made post) is one choice, not a second row for the same pair.
    chosen = {
        name: [i for i in dict.fromkeys(getattr(form, name).data) if i in offered[name]]
        for name in offered
    }
    funder.activities = [db.session.get(Activity, i) for i in chosen["activities"]]
    funder.outcomes = [db.session.get(Outcome, i) for i in chosen["outcomes"]]
    db.session.flush()
    db.session.execute(funder_viewer.delete().where(funder_viewer.c.funder_id == funder.id))
    for user_id in chosen["viewers"]:
        db.session.execute(funder_viewer.insert().values(funder_id=funder.id, user_id=user_id))
    db.session.commit()


@bp.route("/funders/new", methods=["GET", "POST"])
@allow("admin")
def new_funder():
    """Set up a new funder: what it funds and who may view its reports."""
    form = _funder_form(None)
    if form.validate_on_submit():
        funder = Funder(organisation_id=current_user.organisation_id, name="")
        db.session.add(funder)
        _save_funder(form, funder)
        flash(f"{funder.name} is set up. Now add the indicators it counts.", "info")
        return redirect(url_for(".edit_funder", funder_id=funder.id), code=303)
    return render_template(
        "reports/funder.html", form=form, funder=None
    ), 422 if form.errors else 200


def _indicator_form() -> IndicatorForm:
    form = IndicatorForm(prefix="indicator")
    # Drawn here, not when the form class is made: other areas add kinds (app/measures/).
    form.kind.choices = [SelectChoice(k, v.label) for k, v in indicators.KINDS.items()]
    outcomes = [o for o in _org_rows(Outcome, Outcome.position, Outcome.name) if not o.retired]
    form.outcome.choices = [SelectChoice(0, "Any outcome")] + [
        SelectChoice(o.id, o.name) for o in outcomes
    ]
    form.rung.choices = [
        SelectChoice(r.id, r.text, optgroup=o.name) for o in outcomes for r in o.live_rungs
    ]
    activities = [a for a in activities_of(current_user.organisation_id) if not a.retired]
    form.activity.choices = [SelectChoice(0, "Every activity")] + [
        SelectChoice(a.id, a.name) for a in activities
    ]
    form.measure.choices = [SelectChoice("", "No measure")] + [
        SelectChoice(d.key, d.name) for _, d in catalogue.plans(current_user.organisation_id)
    ]
    return form


@bp.route("/<int:funder_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_funder(funder_id: int):
    """Change a funder's details, and list its indicators to add or remove."""
    funder = funder_or_404(funder_id)
    form = _funder_form(funder)
    if form.validate_on_submit():
        _save_funder(form, funder)
        flash(f"Saved {funder.name}.", "info")
        return redirect(url_for(".edit_funder", funder_id=funder.id), code=303)
    return _funder_page(funder, 422 if form.errors else 200, form=form)


def _indicator_params(form: IndicatorForm, funder: Funder | None = None) -> dict:
    """The parameters the chosen kind takes, each checked against this organisation's rows
    and, when the funder names what it funds, against those outcomes and activities."""
    kind = indicators.KINDS[form.kind.data]
    params = {}
    picks = {
        "outcome_id": (form.outcome, Outcome),
        "rung_id": (form.rung, Rung),
        "activity_id": (form.activity, Activity),
    }
    for name in kind.params:
        if name == "rungs":
            params["rungs"] = form.rungs.data or 1
            continue
        if name == "measure":
            if form.measure.data not in {c.value for c in form.measure.choices if c.value}:
                raise ValueError("Measure: choose one of the measures switched on.")
            params["measure"] = form.measure.data
            continue
        field, model = picks[name]
        if field.data:
            row = organisation_row(model, field.data, current_user.organisation_id)
            if row is None:
                raise ValueError(f"{field.label.text}: choose one from the list.")
            if funder is not None:
                _check_funded(funder, name, row)
            params[name] = row.id
        elif name in kind.required:
            raise ValueError(f"{field.label.text}: this kind of indicator needs one.")
    return params


def _check_funded(funder: Funder, name: str, row) -> None:
    """Refuse an outcome (or a rung of one) or an activity the funder does not fund: its
    report would count work the funder never paid for, or nothing at all."""
    if name in ("outcome_id", "rung_id") and funder.outcomes:
        outcome_id = row.id if name == "outcome_id" else row.outcome_id
        if outcome_id not in {o.id for o in funder.outcomes}:
            raise ValueError(f"{funder.name} does not fund that outcome; choose one it funds.")
    funded_activities = {a.id for a in funder.activities}
    if name == "activity_id" and funded_activities and row.id not in funded_activities:
        raise ValueError(f"{funder.name} does not fund that activity; choose one it funds.")


@bp.post("/<int:funder_id>/indicators")
@allow("admin")
def add_indicator(funder_id: int):
    """Add an indicator to a funder."""
    funder = funder_or_404(funder_id)
    form = _indicator_form()
    problem = None
    if form.validate():
        try:
            params = _indicator_params(form, funder)
        except ValueError as error:
            problem = str(error)
        else:
            position = max((i.position for i in funder.indicators), default=0) + 1
            funder.indicators.append(
                Indicator(
                    organisation_id=funder.organisation_id,
                    kind=form.kind.data,
                    label=form.label.data.strip(),
                    params=params,
                    target=float(form.target.data) if form.target.data is not None else None,
                    position=position,
                )
            )
            db.session.commit()
            flash(f"Added the indicator “{form.label.data.strip()}”.", "info")
            return redirect(url_for(".edit_funder", funder_id=funder.id), code=303)
    else:
        problem = "; ".join(
            f"{getattr(form, n).label.text}: {e[0]}" for n, e in form.errors.items()
        )
    flash(f"The indicator was not added. {problem}", "error")
    return _funder_page(funder, 422, indicator_form=form)


def _funder_page(
    funder: Funder,
    status: int,
    form: FunderForm | None = None,
    indicator_form: IndicatorForm | None = None,
    edit_form: tuple[int, IndicatorEditForm] | None = None,
):
    """A funder's page: its details, the new indicator and one edit form per indicator. A
    form given (one submitted, with its errors; an edit form with its indicator's id) takes
    the place of the fresh one."""
    forms = edit_forms(funder)
    if edit_form is not None:
        forms[edit_form[0]] = edit_form[1]
    return render_template(
        "reports/funder.html",
        form=form if form is not None else _funder_form(funder),
        funder=funder,
        indicator_form=indicator_form if indicator_form is not None else _indicator_form(),
        edit_forms=forms,
        describe=indicators.describe,
    ), status


def edit_forms(funder: Funder) -> dict:
    """One edit form per indicator, filled with its name and target (ids kept apart by prefix)."""
    forms = {}
    for ind in funder.indicators:
        form = IndicatorEditForm(formdata=None, prefix=f"indicator-{ind.id}")
        form.label.data = ind.label
        form.target.data = None if ind.target is None else Decimal(str(tidy(ind.target)))
        forms[ind.id] = form
    return forms


@bp.post("/<int:funder_id>/indicators/<int:indicator_id>")
@allow("admin")
def edit_indicator(funder_id: int, indicator_id: int):
    """Change an indicator's name or target, keeping what it was as its history."""
    funder = funder_or_404(funder_id)
    indicator = scoped_under(Indicator, indicator_id, funder_id=funder.id)
    form = IndicatorEditForm(prefix=f"indicator-{indicator.id}")
    if not form.validate():
        problem = "; ".join(
            f"{getattr(form, n).label.text}: {e[0]}" for n, e in form.errors.items()
        )
        flash(f"The indicator was not changed. {problem}", "error")
        return _funder_page(funder, 422, edit_form=(indicator.id, form))
    label = form.label.data.strip()
    target = float(form.target.data) if form.target.data is not None else None
    if (label, target) != (indicator.label, indicator.target):
        db.session.add(
            IndicatorChange(
                organisation_id=indicator.organisation_id,
                indicator_id=indicator.id,
                user_id=current_user.id,
                old_label=indicator.label,
                new_label=label,
                old_target=indicator.target,
                new_target=target,
            )
        )
        indicator.label, indicator.target = label, target
        audit.record("indicator.change", f"indicator:{indicator.id}", label)
        db.session.commit()
        flash(f"Changed the indicator “{label}”; what it was is kept in its history.", "info")
    return redirect(url_for(".edit_funder", funder_id=funder.id), code=303)


@bp.post("/<int:funder_id>/indicators/<int:indicator_id>/delete")
@allow("admin")
def delete_indicator(funder_id: int, indicator_id: int):
    """Remove an indicator from a funder (the entries it counted are untouched)."""
    funder = funder_or_404(funder_id)
    indicator = scoped_under(Indicator, indicator_id, funder_id=funder.id)
    db.session.delete(indicator)
    db.session.commit()
    flash(f"Removed the indicator “{indicator.label}”.", "info")
    return redirect(url_for(".edit_funder", funder_id=funder.id), code=303)
