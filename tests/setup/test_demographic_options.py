"""Demographic answers are chosen from lists the admin sets, so a funder's table counts like
with like ("Woman" and "woman " are one row, not two)."""

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Person

SETTINGS = {
    "name": "Riverside Support",
    "not_seen_days": "14",
    "demographic_fields": "age band, gender",
}


def test_admin_sets_the_answers_and_the_person_form_offers_them(admin, w):
    data = dict(
        SETTINGS,
        demographic_options="Gender: Woman, Man, Non-binary, woman\nage band: 18-25, 26-40",
    )
    assert admin.post("/setup/organisation", data).status_code == 303
    org = db.session.get(Organisation, w.org.id)
    assert org.demographic_options == {
        "gender": ["Woman", "Man", "Non-binary"],  # "woman" again is the same answer
        "age band": ["18-25", "26-40"],
    }
    assert "gender: Woman, Man, Non-binary" in admin.text("/setup/organisation")
    page = admin.text("/setup/people/new")
    assert '<select id="demographic_1" name="demographic_1">' in page
    assert '<option value="Non-binary">Non-binary</option>' in page
    assert '<option value="">Not recorded</option>' in page


def test_an_answer_not_on_the_list_is_refused_and_nothing_stored(admin, w):
    w.org.demographic_options = {"gender": ["Woman", "Man"]}
    db.session.commit()
    base = {"display_name": "Dee K.", "reference": "RS-9", "status": "active"}
    refused = admin.post("/setup/people/new", dict(base, demographic_1="woman "))
    assert refused.status_code == 422
    assert db.session.scalar(select(Person).where(Person.reference == "RS-9")) is None
    assert admin.post("/setup/people/new", dict(base, demographic_1="Woman")).status_code == 303
    person = db.session.scalar(select(Person).where(Person.reference == "RS-9"))
    assert person.demographics["gender"] == "Woman"


def test_a_list_for_a_field_not_collected_is_refused_plainly(admin, w):
    data = dict(SETTINGS, demographic_options="ethnicity: A, B")
    response = admin.post("/setup/organisation", data)
    assert response.status_code == 422
    assert "start the line with one of the fields collected (age band, gender)" in (
        response.get_data(as_text=True)
    )
    assert db.session.get(Organisation, w.org.id).demographic_options in ({}, None)
