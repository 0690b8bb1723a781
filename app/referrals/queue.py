"""The referral queue for supervisors and admins: new referrals, decisions, the waiting list."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from app.access import OFFICE, allow, person_or_404, scoped
from app.extensions import db
from app.local_time import local_today
from app.mail import outbox
from app.models import Person, Referral, User
from app.models.referral import DISCHARGE_REASONS
from app.referrals import bp, decisions, intake, waiting
from app.referrals.forms import DeclineForm, KeyWorkerForm, ReferOnForm, ReferralForm
from app.setup.forms import options

# The list of new referrals refreshes itself this often, like the Overview.
POLL_SECONDS = 5


def _new_referrals(org_id: int) -> list[tuple[Referral, list[Person]]]:
    """New referrals, oldest first, each with the people it might already be."""
    referrals = db.session.scalars(
        select(Referral)
        .where(Referral.organisation_id == org_id, Referral.status == "new")
        .order_by(Referral.received_at, Referral.id)
    ).all()
    return [(r, intake.possible_duplicates(r)) for r in referrals]


def _workers(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == org_id, User.role == "worker", User.active.is_(True))
            .order_by(User.name)
        )
    )


@bp.get("/referrals")
@allow(*OFFICE)
def queue():
    """New referrals to decide on (refreshing by itself) and the waiting list, oldest first."""
    org = current_user.organisation
    context = dict(
        new_referrals=_new_referrals(org.id), form=FlaskForm(), poll_ms=POLL_SECONDS * 1000
    )
    # Only the list's own poll gets the fragment; boosted navigation gets the whole page.
    if request.headers.get("HX-Target") == "new-referrals":
        return render_block("referrals/queue.html", "new_referrals", **context)
    decided = db.session.scalars(
        select(Referral)
        .where(Referral.organisation_id == org.id, Referral.status != "new")
        .order_by(Referral.decided_at.desc())
        .limit(20)
    ).all()
    key_worker_form = KeyWorkerForm()
    key_worker_form.key_worker.choices = options(
        [("", "Choose…")] + [(str(u.id), u.name) for u in _workers(org.id)]
    )
    return render_template(
        "referrals/queue.html",
        org=org,
        waiting=waiting.waiting_list(org, local_today()),
        decided=decided,
        key_worker_form=key_worker_form,
        **context,
    )


def _new_referral(referral_id: int) -> Referral:
    return scoped(Referral, referral_id)


def _already_decided(error: decisions.DecisionError):
    flash(str(error), "error")
    return redirect(url_for("referrals.queue"), code=303)


def _after_decision(referral: Referral, said: str):
    """Commit, send the referrer's email after the commit, and say what happened."""
    db.session.commit()
    outbox.send_after_commit()
    if referral.referrer_email and not outbox.configured():
        said += (
            " Email is not set up, so the referrer has not been told: the message is on the "
            "Email page to send by hand."
        )
    elif referral.referrer_email:
        said += " The referrer is being told by email."
    flash(said, "info")
    return redirect(url_for("referrals.queue"), code=303)


@bp.post("/referrals/<int:referral_id>/accept")
@allow(*OFFICE)
def accept(referral_id: int):
    """Accept: the person joins the waiting list (or, if chosen, an existing person is used)."""
    # No form to validate here: the one field, `existing`, is checked below, and the CSRF
    # token is checked for every post by CSRFProtect (app/extensions.py) before this runs.
    referral = _new_referral(referral_id)
    existing = None
    if existing_id := request.form.get("existing", type=int):
        existing = next(
            (p for p in intake.possible_duplicates(referral) if p.id == existing_id), None
        )
        if existing is None:
            abort(404)
    try:
        person = decisions.accept(referral, existing)
    except decisions.DecisionError as error:
        return _already_decided(error)
    return _after_decision(referral, f"Accepted: {person.display_name} is on the waiting list.")


# The decisions that ask for words first, by the `kind` referrals/decide.html shows: the form,
# its field with the words (the reason; where to), the decision, and what the user is told.
WORDED_DECISIONS = {
    "decline": (DeclineForm, "reason", decisions.decline, "Declined the referral of {name}."),
    "refer_on": (ReferOnForm, "where", decisions.refer_on, "Referred {name} on to {words}."),
}


@bp.route("/referrals/<int:referral_id>/decline", methods=["GET", "POST"], endpoint="decline")
@bp.route("/referrals/<int:referral_id>/refer-on", methods=["GET", "POST"], endpoint="refer_on")
@allow(*OFFICE)
def decide_with_words(referral_id: int):
    """Decline a referral with the reason (the referrer hears only that it was declined), or
    refer on (signpost) to another service, saying where."""
    # The endpoint says which: the two URLs are one view, and their names stay as they were.
    kind = request.endpoint.rpartition(".")[2]
    form_class, field, decide, said = WORDED_DECISIONS[kind]
    referral = _new_referral(referral_id)
    form = form_class()
    if form.validate_on_submit():
        words = form[field].data
        try:
            decide(referral, words)
        except decisions.DecisionError as error:
            return _already_decided(error)
        return _after_decision(referral, said.format(name=referral.name, words=words))
    status = 422 if form.errors else 200
    return render_template("referrals/decide.html", referral=referral, form=form, kind=kind), status


@bp.route("/referrals/new", methods=["GET", "POST"])
@allow(*OFFICE)
def add():
    """Staff add a referral taken by phone or letter; it joins the queue like any other."""
    form = ReferralForm()
    if form.validate_on_submit() and not form.website.data:
        referral = intake.store(form, current_user.organisation_id, created_by=current_user)
        flash(f"Referral {referral.reference} added.", "info")
        return redirect(url_for("referrals.queue"), code=303)
    status = 422 if form.errors else 200
    return render_template("referrals/add.html", form=form), status


@bp.post("/referrals/waiting/<int:person_id>/key-worker")
@allow(*OFFICE)
def assign_key_worker(person_id: int):
    """Give a waiting person a key worker, so they appear on that worker's caseload."""
    person = person_or_404(person_id)
    form = KeyWorkerForm()
    workers = {str(u.id): u for u in _workers(current_user.organisation_id)}
    if not form.validate_on_submit() or form.key_worker.data not in workers:
        flash("Choose a worker from the list.", "error")
        return redirect(url_for("referrals.queue"), code=303)
    worker = workers[form.key_worker.data]
    if worker not in person.key_workers:
        person.key_workers.append(worker)
    db.session.commit()
    flash(f"{worker.name} is now {person.display_name}'s key worker.", "info")
    return redirect(url_for("referrals.queue"), code=303)


@bp.app_template_global()
def waiting_past_target() -> list[waiting.Waiting]:
    """For the overview's attention section: people waiting longer than the target."""
    return waiting.past_target(current_user.organisation, local_today())


@bp.app_template_global()
def referrals_of(person: Person) -> list[Referral]:
    """A person's referrals, first first: how they came to the service."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.person_id == person.id)
            .order_by(Referral.received_at, Referral.id)
        )
    )


@bp.app_template_global()
def discharge_reason_label(reason: str | None) -> str:
    """A discharge reason in words ("Not recorded" when closed before reasons were asked)."""
    return DISCHARGE_REASONS.get(reason or "", "reason not recorded")
