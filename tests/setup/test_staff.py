"""Staff: add with a checked password, change role, deactivate and reactivate, caseloads."""

import re

from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import User, UserSession, caseload
from tests.fixtures.factories import make_person
from tests.fixtures.web import Auth

STRONG = "kettle orchard lantern"


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_admin_adds_a_worker_who_can_then_sign_in(admin, w, app):
    data = {
        "name": "Rae Worker",
        "email": " Rae@Riverside.example.org ",
        "role": "worker",
        "password": STRONG,
    }
    response = admin.post("/setup/staff", data)
    assert response.status_code == 303
    user = _user("rae@riverside.example.org")
    assert (user.name, user.role, user.organisation_id) == ("Rae Worker", "worker", w.org.id)
    assert user.password_hash != STRONG and verify_password(user.password_hash, STRONG)
    assert "Rae Worker" in admin.text("/setup/staff")
    other = app.test_client()
    signed_in = Auth(other).sign_in("rae@riverside.example.org", STRONG)
    assert signed_in.status_code == 303


def test_weak_password_or_taken_email_is_refused_and_nothing_stored(admin, w):
    form = {"name": "Rae", "email": "rae@x.example.org", "role": "worker"}
    weak = admin.post("/setup/staff", dict(form, password="short"))
    assert weak.status_code == 422
    assert "Use at least 10 characters." in weak.get_data(as_text=True)
    taken_email = "WORKER@hilltop.example.org"
    taken = admin.post("/setup/staff", dict(form, email=taken_email, password=STRONG))
    assert taken.status_code == 422
    assert "That email already has an account." in taken.get_data(as_text=True)
    bad_role = admin.post("/setup/staff", dict(form, role="owner", password=STRONG))
    assert bad_role.status_code == 422
    bad_email = admin.post("/setup/staff", dict(form, email="rae at home", password=STRONG))
    assert "Give a valid email address." in bad_email.get_data(as_text=True)
    assert bad_role.status_code == 422
    assert _user("rae@x.example.org") is None
    assert db.session.scalar(select(func.count()).select_from(User)) == 6


def test_admin_changes_a_role(admin, w):
    worker = w.worker
    response = admin.post(f"/setup/staff/{worker.id}", {"name": worker.name, "role": "supervisor"})
    assert response.status_code == 303
    assert db.session.get(User, worker.id).role == "supervisor"


def test_admin_cannot_change_their_own_role_or_deactivate_themselves(admin, w):
    me = w.admin
    response = admin.post(f"/setup/staff/{me.id}", {"name": me.name, "role": "worker"})
    assert response.status_code == 422
    assert "You cannot change your own role." in response.get_data(as_text=True)
    assert admin.post(f"/setup/staff/{me.id}/deactivate").status_code == 422
    me = db.session.get(User, me.id)
    assert me.role == "admin" and me.active


def test_deactivated_user_is_signed_out_everywhere_and_cannot_sign_in(admin, w, app):
    worker = w.worker
    phone = app.test_client()
    Auth(phone).sign_in(worker)
    assert phone.get("/people").status_code == 200
    sessions = select(func.count()).select_from(UserSession).where(UserSession.user_id == worker.id)
    assert db.session.scalar(sessions) == 1

    assert admin.post(f"/setup/staff/{worker.id}/deactivate").status_code == 303
    assert not db.session.get(User, worker.id).active
    assert db.session.scalar(sessions) == 0
    assert phone.get("/people").status_code == 302  # the open session no longer works
    assert Auth(app.test_client()).sign_in(worker).status_code == 401
    assert "deactivated: cannot sign in" in admin.text(f"/setup/staff/{worker.id}")

    admin.post(f"/setup/staff/{worker.id}/reactivate")
    assert db.session.get(User, worker.id).active
    assert Auth(app.test_client()).sign_in(worker).status_code == 303


def test_caseload_per_worker_is_shown_and_can_be_changed(admin, w):
    worker, person, person2 = w.worker, w.person, w.person2
    page = admin.text(f"/setup/staff/{worker.id}")
    ticked = rf'<input checked id="people-\d+" name="people" type="checkbox" value="{person.id}"'
    assert re.search(ticked, page)
    assert not re.search(rf'<input checked[^>]*value="{person2.id}"', page)
    assert "1 person" in admin.text("/setup/staff")
    response = admin.post(f"/setup/staff/{worker.id}/caseload", {"people": [str(person2.id)]})
    assert response.status_code == 303
    mine = select(caseload.c.person_id).where(caseload.c.user_id == worker.id)
    assert db.session.scalars(mine).all() == [person2.id]


def test_caseload_refuses_another_organisations_person(admin, w):
    worker = w.worker
    foreign = w.other_person
    response = admin.post(f"/setup/staff/{worker.id}/caseload", {"people": [str(foreign.id)]})
    assert response.status_code == 422
    assert "Choose people from this organisation." in response.get_data(as_text=True)
    mine = select(caseload.c.person_id).where(caseload.c.user_id == worker.id)
    assert db.session.scalars(mine).all() == [w.person.id]


def test_closed_people_are_not_offered_for_a_caseload(admin, w):
    make_person(w.org, display_name="Closed Person", status="closed")
    db.session.commit()
    assert "Closed Person" not in admin.text(f"/setup/staff/{w.worker.id}")


def test_the_staff_page_leads_to_resetting_a_colleagues_password(admin, w):
    page = admin.get("/setup/staff").get_data(as_text=True)
    link = re.search(r'<a class="button" href="([^"]+)">Reset a colleague\'s password</a>', page)
    assert link, "the staff page has no way to reset a colleague's password"
    accounts = admin.get(link.group(1)).get_data(as_text=True)
    assert w.worker.name in accounts and "password" in accounts.lower()
