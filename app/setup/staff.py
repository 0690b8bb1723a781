"""Staff who sign in: add them, change their role, deactivate them, and see each caseload."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import delete, func, select

from app.access import allow, scoped
from app.audit import record
from app.auth.passwords import account_words, hash_password, policy_problem
from app.extensions import db
from app.models import Person, User, UserSession, caseload
from app.models.user import ROLE_LABELS
from app.setup import bp, queries
from app.setup.forms import (
    ButtonForm,
    CaseloadForm,
    NewStaffForm,
    StaffForm,
    offered,
    options,
)
from app.setup.saving import saved


def _staff_page(form: NewStaffForm, status: int = 200):
    """The staff list with each person's active caseload size, and the form to add someone."""
    sizes = dict(
        db.session.execute(
            select(caseload.c.user_id, func.count())
            .join(Person, Person.id == caseload.c.person_id)
            .where(
                Person.organisation_id == current_user.organisation_id, Person.status == "active"
            )
            .group_by(caseload.c.user_id)
        ).all()
    )
    return render_template(
        "setup/staff.html", staff=queries.staff(), sizes=sizes, form=form
    ), status


@bp.get("/staff")
@allow("admin")
def staff():
    """Everyone who signs in for the organisation, with their role and caseload size."""
    return _staff_page(NewStaffForm(formdata=None))


@bp.post("/staff")
@allow("admin")
def add_staff():
    """Add a member of staff with an initial password that meets the policy."""
    form = NewStaffForm()
    valid = form.validate()
    email = (form.email.data or "").lower()
    # The new account's own words, as for every password set anywhere (PasswordRule).
    words = account_words(current_user.organisation.name, form.name.data or "", email)
    if form.password.data and (problem := policy_problem(form.password.data, words)):
        form.password.errors.append(problem)
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        form.email.errors.append("That email already has an account.")
    if not valid or any(f.errors for f in form):
        return _staff_page(form, 422)
    user = User(
        organisation_id=current_user.organisation_id,
        name=form.name.data,
        email=email,
        role=form.role.data,
        password_hash=hash_password(form.password.data),
    )
    db.session.add(user)
    db.session.flush()
    record("setup.create", f"user:{user.id}", f"{email} as {user.role}")
    db.session.commit()
    flash(
        f"Added {user.name} as {user.role_label.lower()}. Give them their password in person.",
        "info",
    )
    return redirect(url_for(".staff"), code=303)


def _user_page(
    user: User,
    status: int = 200,
    details: StaffForm | None = None,
    people_form: CaseloadForm | None = None,
):
    return render_template(
        "setup/staff_user.html",
        user=user,
        details=details or StaffForm(obj=user, formdata=None),
        people_form=people_form or _caseload_form(user, formdata=False),
        button=ButtonForm(),
    ), status


def _changed(user: User, what: str, said: str):
    """Audit a change to a member of staff (`what`), then save it as `_saved` does."""
    record("setup.change", f"user:{user.id}", what)
    return _saved(user, said)


def _saved(user: User, said: str):
    """Commit, and go back to the member of staff's page saying what happened."""
    return saved(said, url_for(".staff_user", user_id=user.id))


def _caseload_form(user: User, formdata: bool = True) -> CaseloadForm:
    """The organisation's active people as checkboxes, ticked where `user` is a key worker."""
    form = CaseloadForm() if formdata else CaseloadForm(formdata=None)
    mine = set(
        db.session.scalars(select(caseload.c.person_id).where(caseload.c.user_id == user.id))
    )
    people = [p for p in queries.people(limit=2000) if p.status == "active" or p.id in mine]
    form.people.choices = options((p.id, f"{p.display_name} ({p.reference})") for p in people)
    if not formdata:
        form.people.data = sorted(mine)
    form.mine = mine
    return form


@bp.get("/staff/<int:user_id>")
@allow("admin")
def staff_user(user_id: int):
    """One member of staff: name, role, sign-in access and their caseload."""
    return _user_page(scoped(User, user_id))


@bp.post("/staff/<int:user_id>")
@allow("admin")
def edit_staff(user_id: int):
    """Change someone's name or role (not your own role: an organisation keeps its admin)."""
    user = scoped(User, user_id)
    form = StaffForm()
    valid = form.validate()
    if valid and user.id == current_user.id and form.role.data != user.role:
        form.role.errors.append("You cannot change your own role. Ask another admin.")
    if not valid or form.role.errors:
        return _user_page(user, 422, details=form)
    if form.role.data != user.role:
        record("setup.change", f"user:{user.id}", f"role {user.role} → {form.role.data}")
    user.name = form.name.data
    user.role = form.role.data
    return _saved(user, f"Saved {user.name}: {ROLE_LABELS[user.role].lower()}.")


@bp.post("/staff/<int:user_id>/caseload")
@allow("admin")
def save_caseload(user_id: int):
    """Set who is on this worker's caseload (the people they are a key worker for)."""
    user = scoped(User, user_id)
    form = _caseload_form(user)
    chosen = set(form.people.data or [])
    if not form.validate() or chosen - offered(form.people):
        form.people.errors = ["Choose people from this organisation."]
        return _user_page(user, 422, people_form=form)
    offered_ids = offered(form.people)
    db.session.execute(
        delete(caseload).where(
            caseload.c.user_id == user.id, caseload.c.person_id.in_(offered_ids - chosen)
        )
    )
    added = chosen - form.mine
    if added:
        db.session.execute(
            caseload.insert(), [{"user_id": user.id, "person_id": p} for p in sorted(added)]
        )
    return _changed(user, f"caseload of {len(chosen)} people", f"Saved {user.name}'s caseload.")


@bp.post("/staff/<int:user_id>/deactivate")
@allow("admin")
def deactivate_staff(user_id: int):
    """Stop someone signing in, and end every session they have open now."""
    user = scoped(User, user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account. Ask another admin.", "error")
        return _user_page(user, 422)
    user.active = False
    # Their open sessions end at once: the cookie on their phone stops working.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return _changed(user, "deactivated", f"{user.name} can no longer sign in.")


@bp.post("/staff/<int:user_id>/reactivate")
@allow("admin")
def reactivate_staff(user_id: int):
    """Let a deactivated member of staff sign in again."""
    user = scoped(User, user_id)
    user.active = True
    return _changed(user, "reactivated", f"{user.name} can sign in again.")
