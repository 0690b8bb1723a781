"""People the service supports: their record, consent, key workers and the outcomes they work on."""

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from app.access import allow, scoped
from app.audit import record
from app.extensions import db
from app.local_time import local_today
from app.models import Organisation, Outcome, Person, Plan, User
from app.setup import bp, queries
from app.setup.forms import ButtonForm, PersonForm, add_text_field, offered, options, strip


def demographic_key(index: int) -> str:
    return f"demographic_{index}"


NO_LIST = "No answers set yet: an admin lists them in the organisation's settings."


def _listed(answers: list[str], label: str):
    """A validator: the answer is one of `answers` (or none), said plainly when it is not."""

    def check(_form, field) -> None:
        if field.data and field.data not in answers:
            if not answers:
                raise ValidationError(f"{label} has no answers to choose from yet. {NO_LIST}")
            raise ValidationError(
                f"“{field.data[:60]}” is not one of the answers for {label}: "
                + ", ".join(answers)
                + "."
            )

    return check


def person_form(org: Organisation, person: Person | None) -> PersonForm:
    """The person form for this organisation: its demographic fields and its live outcomes."""
    outcomes = queries.outcomes(live_only=True)

    class Form(PersonForm):
        pass

    for i, name in enumerate(org.demographic_field_list):
        label = name[:1].upper() + name[1:]
        answers = org.demographic_choices(name)
        # Chosen from the admin's list, never typed, so a funder's table counts like with
        # like; a field without a list takes no answer until it has one. An answer recorded
        # before the list is kept.
        given = (person.demographics or {}).get(name, "") if person else ""
        kept = [given] if given and given not in answers else []
        choices = [SelectChoice("", "Not recorded")]
        choices += [SelectChoice(a, a) for a in [*answers, *kept]]
        hint = "" if answers else NO_LIST
        field = SelectField(
            label,
            [_listed([a for a in [*answers, *kept]], label)],
            choices=choices,
            validate_choice=False,
            filters=[strip],
            description=hint,
        )
        setattr(Form, demographic_key(i), field)
    for outcome in outcomes:
        words = f"“{outcome.name}” in their own words (optional)"
        add_text_field(Form, f"words_{outcome.id}", words, 500)
    data = {}
    if person is not None:
        data = dict(
            display_name=person.display_name,
            reference=person.reference,
            status=person.status,
            closed_on=person.closed_on,
            consent_date=person.consent_date,
            consent_stories=person.consents_to_stories,
            key_workers=[u.id for u in person.key_workers],
            outcomes=[p.outcome_id for p in person.plans],
        )
        data.update({f"words_{p.outcome_id}": p.own_words for p in person.plans})
        for i, name in enumerate(org.demographic_field_list):
            data[demographic_key(i)] = (person.demographics or {}).get(name, "")
    form = Form(data=data)
    form.outcomes.choices = options((o.id, o.name) for o in outcomes)
    form.key_workers.choices = _key_worker_choices(person)
    form.demographic_names = org.demographic_field_list
    return form


def _key_worker_choices(person: Person | None) -> list:
    """Active workers (and anyone already a key worker for this person), by name."""
    current = {u.id for u in person.key_workers} if person else set()
    return options(
        (u.id, u.name + ("" if u.active else " (deactivated)"))
        for u in queries.staff()
        if u.role == "worker" and (u.active or u.id in current)
    )


def _check(form: PersonForm, person: Person | None) -> bool:
    """Validate the form, then the rules that need the database; errors go on the fields."""
    valid = form.validate()
    org_id = queries.organisation().id
    if form.reference.data:
        clash = db.session.scalar(
            select(Person.id).where(
                Person.organisation_id == org_id,
                Person.reference == form.reference.data,
                Person.id != (person.id if person else -1),
            )
        )
        if clash is not None:
            form.reference.errors.append(
                f"Another person already has the reference “{form.reference.data}”."
            )
    if set(form.key_workers.data or []) - offered(form.key_workers):
        form.key_workers.errors.append("Choose key workers from this organisation's workers.")
    if set(form.outcomes.data or []) - offered(form.outcomes):
        form.outcomes.errors.append("Choose outcomes that this organisation uses.")
    if form.status.data == "closed" and form.closed_on.data and form.closed_on.data > local_today():
        form.closed_on.errors.append("The closing date cannot be in the future.")
    return valid and not any(f.errors for f in form)


def _apply(form: PersonForm, person: Person, org: Organisation) -> None:
    """Copy the checked form into the person: record, consent, key workers and plans."""
    person.display_name = form.display_name.data
    person.reference = form.reference.data
    person.status = form.status.data
    if person.status == "closed":
        person.closed_on = form.closed_on.data or person.closed_on or local_today()
    else:
        person.closed_on = None
    person.consent_date = form.consent_date.data
    person.consent_scope = "records,stories" if form.consent_stories.data else "records"
    demographics = dict(person.demographics or {})
    for i, name in enumerate(org.demographic_field_list):
        value = form[demographic_key(i)].data
        if value:
            demographics[name] = value
        else:
            demographics.pop(name, None)
    person.demographics = demographics
    # No flush half-way: a reference taken meanwhile must surface in _save, not here.
    with db.session.no_autoflush:
        chosen = set(form.key_workers.data or [])
        person.key_workers = [db.session.get(User, i) for i in sorted(chosen)]
        _apply_plans(form, person)


def _apply_plans(form: PersonForm, person: Person) -> None:
    """Plans for the ticked live outcomes; plans of retired outcomes are kept as they are."""
    offered_ids = offered(form.outcomes)
    chosen = set(form.outcomes.data or [])
    by_outcome = {p.outcome_id: p for p in person.plans}
    for outcome_id, plan in by_outcome.items():
        if outcome_id in offered_ids and outcome_id not in chosen:
            person.plans.remove(plan)
    for outcome_id in sorted(chosen):
        words = form[f"words_{outcome_id}"].data or ""
        if outcome_id in by_outcome:
            by_outcome[outcome_id].own_words = words
        else:
            person.plans.append(Plan(outcome=db.session.get(Outcome, outcome_id), own_words=words))


def _form_page(form: PersonForm, person: Person | None, status: int = 200):
    return render_template("setup/person.html", form=form, person=person), status


def _save(form: PersonForm, person: Person, action: str):
    """Commit, or show the form again if the reference was taken meanwhile (nothing stored)."""
    try:
        db.session.flush()
        # The person is named by id only: names and references never go into the trail.
        record(action, f"person:{person.id}")
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.reference.errors.append(
            f"Another person already has the reference “{form.reference.data}”."
        )
        return None
    return True


@bp.get("/people")
@allow("admin")
def people():
    """Who the service works with: everyone in the organisation, searchable."""
    return people_page(request.args.get("q", "")[:100])


def choices() -> dict:
    """What can be given to many people at once: the live outcomes and the active workers."""
    workers = [u for u in queries.staff() if u.role == "worker" and u.active]
    return dict(give_outcomes=queries.outcomes(live_only=True), give_workers=workers)


def people_page(search: str = "", status: int = 200):
    """The list of people, with the form that gives many of them outcomes and key workers."""
    imports = "imports.index" in current_app.view_functions
    page = render_template(
        "setup/people.html",
        people=queries.people(search),
        search=search,
        imports=imports,
        give=ButtonForm(),
        **choices(),
    )
    return page, status


@bp.route("/people/new", methods=["GET", "POST"])
@allow("admin")
def add_person():
    """Add a person: their record, consent, key workers and the outcomes they work on."""
    return _person_page(queries.organisation(), None)


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@allow("admin")
def edit_person(person_id: int):
    """Change a person's record, key workers or outcomes."""
    person = scoped(Person, person_id)
    return _person_page(queries.organisation(), person)


def _person_page(org, person: Person | None):
    """A person's form (a new one's when `person` is None), then, once sent and sound, saved."""
    form = person_form(org, person)
    if request.method == "GET":
        return _form_page(form, person)
    if not _check(form, person):
        return _form_page(form, person, 422)
    new = person is None
    if new:
        person = Person(organisation_id=org.id, display_name="", reference="")
        db.session.add(person)
    person_id = person.id
    _apply(form, person, org)
    if not _save(form, person, "setup.create" if new else "setup.change"):
        # Nothing was saved: the page shows the person as they are stored (a new one, not yet).
        return _form_page(form, None if new else db.session.get(Person, person_id), 422)
    flash(f"{'Added' if new else 'Saved'} {person.display_name}.", "info")
    return redirect(url_for(".people"), code=303)
