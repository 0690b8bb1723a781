"""The organisation's settings: name, "not seen" days, demographic fields, who workers find."""

from app.extensions import db
from app.models import Organisation


def test_admin_changes_the_organisations_settings(admin, w):
    data = {
        "name": "Riverside Support CIC",
        "not_seen_days": "10",
        "demographic_fields": "Age band, gender,  ethnicity , gender",
        "workers_see_everyone": "y",
    }
    assert admin.post("/setup/organisation", data).status_code == 303
    org = db.session.get(Organisation, w.org.id)
    assert org.name == "Riverside Support CIC"
    assert org.not_seen_days == 10
    assert org.demographic_field_list == ["age band", "gender", "ethnicity"]
    assert org.workers_see_everyone
    page = admin.text("/setup/organisation")
    assert 'value="age band, gender, ethnicity"' in page


def test_workers_find_everyone_only_when_the_setting_is_on(admin, w, app):
    from tests.fixtures.web import Auth

    phone = app.test_client()
    Auth(phone).sign_in(w.worker)
    assert "Bo M." not in phone.get("/people").get_data(as_text=True)
    data = {
        "name": "Riverside Support",
        "not_seen_days": "14",
        "demographic_fields": "",
        "workers_see_everyone": "y",
    }
    admin.post("/setup/organisation", data)
    assert "Bo M." in phone.get("/people").get_data(as_text=True)


def test_bad_settings_are_refused_and_nothing_stored(admin, w):
    for bad in (
        {"name": "", "not_seen_days": "14"},
        {"name": "X", "not_seen_days": "0"},
        {"name": "X", "not_seen_days": "many"},
    ):
        response = admin.post("/setup/organisation", bad)
        assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error"' in page
    org = db.session.get(Organisation, w.org.id)
    assert (org.name, org.not_seen_days) == ("Riverside Support", 14)
