"""Activities: start from the template, add, rename, reorder, retire and restore."""

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, AuditEvent
from tests.fixtures.factories import make_activity
from tests.fixtures.web import Auth


def _names(org, retired=False):
    return list(
        db.session.scalars(
            select(Activity.name)
            .where(Activity.organisation_id == org.id, Activity.retired == retired)
            .order_by(Activity.position, Activity.id)
        )
    )


def test_admin_adds_an_activity_at_the_end(admin, w):
    response = admin.post("/setup/activities", {"name": "  Travel training  "})
    assert response.status_code == 303
    assert _names(w.org) == ["Doorstep support", "Travel training"]
    assert "Travel training" in admin.text("/setup/activities")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "setup.create"))
    assert (event.user_id, event.detail) == (w.admin.id, "Travel training")


def test_empty_or_duplicate_activity_name_is_refused_and_nothing_stored(admin, w):
    empty = admin.post("/setup/activities", {"name": "   "})
    assert empty.status_code == 422
    assert "Give the activity&#39;s name." in empty.get_data(as_text=True)
    duplicate = admin.post("/setup/activities", {"name": "doorstep SUPPORT"})
    assert duplicate.status_code == 422
    assert "There is already an activity called" in duplicate.get_data(as_text=True)
    assert _names(w.org) == ["Doorstep support"]


def test_admin_renames_an_activity(admin, w):
    activity = w.activity
    response = admin.post(f"/setup/activities/{activity.id}/rename", {"name": "Home visits"})
    assert response.status_code == 303
    assert _names(w.org) == ["Home visits"]
    refused = admin.post(f"/setup/activities/{activity.id}/rename", {"name": ""})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert _names(w.org) == ["Home visits"]


def test_admin_reorders_activities_with_real_forms(admin, w):
    org = w.org
    make_activity(org, "Travel training")
    make_activity(org, "Drop-in group")
    db.session.commit()
    rows = db.session.scalars(select(Activity).where(Activity.organisation_id == org.id))
    order = {a.name: a for a in rows}
    admin.post(f"/setup/activities/{order['Drop-in group'].id}/move", {"direction": "up"})
    assert _names(org) == ["Doorstep support", "Drop-in group", "Travel training"]
    admin.post(f"/setup/activities/{order['Doorstep support'].id}/move", {"direction": "down"})
    assert _names(org) == ["Drop-in group", "Doorstep support", "Travel training"]
    # Already at the top: nothing moves.
    admin.post(f"/setup/activities/{order['Drop-in group'].id}/move", {"direction": "up"})
    assert _names(org) == ["Drop-in group", "Doorstep support", "Travel training"]
    # A hand-made direction moves nothing either.
    for direction in ("sideways", ""):
        moved = admin.post(
            f"/setup/activities/{order['Drop-in group'].id}/move", {"direction": direction}
        )
        assert moved.status_code == 303
        assert _names(org) == ["Drop-in group", "Doorstep support", "Travel training"]


def test_retired_activity_leaves_the_workers_chips_and_can_be_restored(admin, w, client, auth):
    org = w.org
    make_activity(org, "Travel training")
    db.session.commit()
    activity = w.activity
    assert admin.post(f"/setup/activities/{activity.id}/retire").status_code == 303
    assert _names(org, retired=True) == ["Doorstep support"]
    page = admin.text("/setup/activities")
    assert 'Restore<span class="visually-hidden"> “Doorstep support”' in page
    person_page = admin.text(f"/people/{w.person.id}")
    assert "Travel training" in person_page and "Doorstep support" not in person_page
    admin.post(f"/setup/activities/{activity.id}/restore")
    assert _names(org) == ["Doorstep support", "Travel training"]


def test_new_organisation_starts_from_the_templates_activities(newcomer):
    org = newcomer.org
    page = newcomer.text("/setup/activities")
    assert "Start from the template" in page and "Keep “Travel training”" in page
    data = {
        "keep_0": "y",
        "name_0": "Home visits",  # kept, renamed
        "name_1": "Travel training",  # not ticked: removed
        "keep_2": "y",
        "name_2": "Drop-in group",
        "keep_3": "y",
        "name_3": "1:1 session",
    }
    response = newcomer.post("/setup/activities/starter", data)
    assert response.status_code == 303
    assert _names(org) == ["Home visits", "Drop-in group", "1:1 session"]
    assert "Start from the template" not in newcomer.text("/setup/activities")


def test_template_activities_kept_with_an_empty_name_are_refused(newcomer):
    response = newcomer.post(
        "/setup/activities/starter",
        {"keep_0": "y", "name_0": " ", "keep_1": "y", "name_1": "Travel training"},
    )
    assert response.status_code == 422
    assert "Give a name, or untick this activity." in response.get_data(as_text=True)
    assert _names(newcomer.org) == []


def test_every_list_of_activities_keeps_the_admins_order(admin, w, app):
    """Two activities at one position keep the order they were made in, on every page: the
    admin's list, the worker's chips, a correction's choices and the funder form."""
    make_activity(w.org, "Art group", [w.outcome])  # after "Doorstep support", same position
    db.session.commit()
    expected = ["Doorstep support", "Art group"]

    def order(html: str) -> list[str]:
        found = [(html.find(name), name) for name in expected]
        assert all(at >= 0 for at, _ in found), found
        return [name for _, name in sorted(found)]

    assert order(admin.get("/setup/activities").get_data(as_text=True)) == expected
    assert order(admin.get("/reports/funders/new").get_data(as_text=True)) == expected
    worker = app.test_client()
    Auth(worker).sign_in(w.worker)
    assert order(worker.get(f"/people/{w.person.id}").get_data(as_text=True)) == expected
