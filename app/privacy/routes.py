"""A person's privacy page, subject-access export, erasure and consent; retention review."""

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.access import OFFICE, allow, person_or_404
from app.audit import record
from app.extensions import db
from app.models import Person
from app.privacy import erasure, subject_access
from app.privacy.forms import BulkAnonymiseForm, ConsentForm, EraseForm

bp = Blueprint("privacy", __name__)


def _page(person: Person, status: int = 200, consent_form=None, erase_form=None):
    scope = person.consent_scope.split(",")
    consent_form = consent_form or ConsentForm(
        formdata=None,
        consent_date=person.consent_date,
        records="records" in scope,
        stories="stories" in scope,
    )
    return render_template(
        "privacy/person.html",
        person=person,
        consent_form=consent_form,
        erase_form=erase_form or EraseForm(formdata=None),
    ), status


@bp.get("/people/<int:person_id>/privacy")
@allow(*OFFICE)
def person(person_id: int):
    """A person's data rights: consent, a copy of everything held, and erasure."""
    return _page(person_or_404(person_id))


@bp.post("/people/<int:person_id>/privacy/consent")
@allow(*OFFICE)
def consent(person_id: int):
    """Record what the person has agreed to; withdrawing stories unshares their notes."""
    person = person_or_404(person_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _page(person, 422, consent_form=form)
    scope = [name for name in ("records", "stories") if getattr(form, name).data]
    person.consent_date = form.consent_date.data
    person.consent_scope = ",".join(scope)
    if "stories" not in scope:
        erasure.withdraw_story_consent(person)
    record("person.consent", f"person:{person.id}", person.consent_scope)
    db.session.commit()
    flash("Consent saved.", "info")
    return redirect(url_for(".person", person_id=person.id), code=303)


@bp.get("/people/<int:person_id>/privacy/access.json")
@allow(*OFFICE)
def access_json(person_id: int):
    """Subject-access export: everything held about the person, as JSON."""
    person = person_or_404(person_id)
    record("export.subject_access", f"person:{person.id}", "json")
    response = jsonify(subject_access.collect(person))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="subject-access-{person.id}.json"'
    )
    return response


@bp.get("/people/<int:person_id>/privacy/access")
@allow(*OFFICE)
def access_page(person_id: int):
    """Subject-access export as a readable, printable page."""
    person = person_or_404(person_id)
    record("export.subject_access", f"person:{person.id}", "html")
    held = subject_access.collect(person)
    other_tables = {
        name: rows
        for name, rows in held.items()
        if isinstance(rows, list)
        and name not in ("entry", "plan", "caseload", "audit_event", "key_workers")
    }
    return render_template(
        "privacy/access.html", person=person, held=held, other_tables=other_tables
    )


@bp.post("/people/<int:person_id>/privacy/erase")
@allow("admin")
def erase(person_id: int):
    """Erase what identifies the person; their entries stay, anonymised, so counts stay true."""
    person = person_or_404(person_id)
    form = EraseForm()
    if not form.validate_on_submit():
        return _page(person, 422, erase_form=form)
    if form.confirm_reference.data.strip() != person.reference:
        form.confirm_reference.errors = ["That is not this person's reference; nothing was erased."]
        return _page(person, 422, erase_form=form)
    erasure.erase(person)
    record("person.erase", f"person:{person.id}")
    db.session.commit()
    flash("Identifying data erased. The entries remain, anonymised, in counts and reports.", "info")
    return redirect(url_for(".person", person_id=person.id), code=303)


@bp.get("/privacy/retention")
@allow("admin")
def retention():
    """People closed for longer than the retention period, for review and bulk anonymising."""
    people = erasure.due_for_review(current_user.organisation)
    return render_template(
        "privacy/retention.html",
        people=people,
        form=BulkAnonymiseForm(formdata=None),
        months=current_user.organisation.retention_months,
    )


@bp.post("/privacy/retention")
@allow("admin")
def anonymise():
    """Anonymise the chosen people, all or none: each must still be due for review."""
    form = BulkAnonymiseForm()
    due = {p.id: p for p in erasure.due_for_review(current_user.organisation)}
    chosen = (form.people.data or []) if form.validate_on_submit() else []
    if not chosen or any(pid not in due for pid in chosen):
        flash("Choose people from the list; nothing was anonymised.", "error")
        people = list(due.values())
        return render_template(
            "privacy/retention.html",
            people=people,
            form=form,
            months=current_user.organisation.retention_months,
        ), 422
    for pid in chosen:
        erasure.erase(due[pid])
        record("person.erase", f"person:{pid}", "retention")
    db.session.commit()
    flash(f"Anonymised {len(chosen)} {'person' if len(chosen) == 1 else 'people'}.", "info")
    return redirect(url_for(".retention"), code=303)
