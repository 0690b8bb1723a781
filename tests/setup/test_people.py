"""People: add and edit their record, consent, demographics, key workers and outcomes."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Person
from tests.fixtures.factories import make_outcome, make_user


def _form(**fields) -> dict:
    data = {"display_name": "Dee K.", "reference": "RS-9", "status": "active"}
    data.update(fields)
    return data


def _person(org, reference):
    return db.session.scalar(
        select(Person).where(Person.organisation_id == org.id, Person.reference == reference)
    )


def test_admin_adds_a_person_with_consent_demographics_key_workers_and_outcomes(admin, w):
    outcome, worker = w.outcome, w.worker
    w.org.demographic_options = {"age band": ["18-34", "35-44"], "gender": ["Woman", "Man"]}
    db.session.commit()
    data = _form(
        consent_date="2026-01-15",
        consent_stories="y",
        demographic_0="35-44",
        demographic_1="Woman",
        key_workers=[str(worker.id)],
        outcomes=[str(outcome.id)],
        **{f"words_{outcome.id}": "Get to my sister's by bus"},
    )
    response = admin.post("/setup/people/new", data)
    assert response.status_code == 303
    person = _person(w.org, "RS-9")
    assert person.display_name == "Dee K."
    assert person.consent_date.isoformat() == "2026-01-15"
    assert person.consents_to_stories
    assert person.demographics == {"age band": "35-44", "gender": "Woman"}
    assert [u.id for u in person.key_workers] == [worker.id]
    plans = [(p.outcome_id, p.own_words) for p in person.plans]
    assert plans == [(outcome.id, "Get to my sister's by bus")]
    assert "Dee K." in admin.text("/setup/people")


def test_the_form_asks_for_the_organisations_own_demographic_fields(admin, w):
    w.org.demographic_fields = "age band,ethnicity,postcode district"
    db.session.commit()
    page = admin.text("/setup/people/new")
    assert '<label for="demographic_1">Ethnicity</label>' in page
    assert '<label for="demographic_2">Postcode district</label>' in page


def test_a_duplicate_reference_is_refused_and_nothing_stored(admin, w):
    response = admin.post("/setup/people/new", _form(reference="RS-1"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Another person already has the reference “RS-1”." in page
    assert "Nothing was saved" in page
    count = select(func.count()).select_from(Person).where(Person.organisation_id == w.org.id)
    assert db.session.scalar(count) == 2


def test_another_organisation_may_use_the_same_reference(admin, w):
    assert admin.post("/setup/people/new", _form(reference="HT-1")).status_code == 303
    assert _person(w.org, "HT-1") is not None


def test_empty_name_or_reference_is_refused(admin, w):
    response = admin.post("/setup/people/new", _form(display_name=" ", reference=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the name or pseudonym." in page and "Give the reference." in page


def test_unknown_key_worker_or_outcome_is_refused_and_nothing_stored(admin, w):
    other_worker = w.other_worker
    response = admin.post("/setup/people/new", _form(key_workers=[str(other_worker.id)]))
    assert response.status_code == 422
    message = "Choose key workers from this organisation&#39;s workers."
    assert message in response.get_data(as_text=True)
    response = admin.post("/setup/people/new", _form(outcomes=[str(w.other_outcome.id)]))
    assert response.status_code == 422
    assert "Choose outcomes that this organisation uses." in response.get_data(as_text=True)
    assert _person(w.org, "RS-9") is None


def test_admin_edits_a_person_and_closes_their_record(admin, w):
    person, colleague, out = w.person, w.colleague, w.outcome
    second = make_outcome(w.org, "Connecting with people")
    db.session.commit()
    page = admin.text(f"/setup/people/{person.id}")
    assert 'value="Ada L."' in page and 'value="RS-1"' in page
    data = _form(
        display_name="Ada Lovelace",
        reference="RS-1",
        status="closed",
        closed_on="",
        key_workers=[str(colleague.id)],
        outcomes=[str(second.id)],
    )
    assert admin.post(f"/setup/people/{person.id}", data).status_code == 303
    person = db.session.get(Person, person.id)
    assert person.display_name == "Ada Lovelace"
    assert person.status == "closed" and person.closed_on is not None
    assert [u.id for u in person.key_workers] == [colleague.id]
    assert [p.outcome_id for p in person.plans] == [second.id]
    assert out.id not in {p.outcome_id for p in person.plans}


def test_reopening_a_person_clears_their_closing_date(admin, w):
    person = w.person
    closed = _form(reference="RS-1", status="closed", closed_on="2026-01-02")
    admin.post(f"/setup/people/{person.id}", closed)
    assert db.session.get(Person, person.id).closed_on.isoformat() == "2026-01-02"
    admin.post(f"/setup/people/{person.id}", _form(reference="RS-1", status="active"))
    person = db.session.get(Person, person.id)
    assert person.status == "active" and person.closed_on is None


def test_key_worker_choices_are_the_organisations_active_workers(admin, w):
    retired = make_user(w.org, "worker", name="Former Worker", active=False)
    db.session.commit()
    page = admin.text("/setup/people/new")
    assert w.worker.name in page and w.colleague.name in page
    assert retired.name not in page and w.other_worker.name not in page
    assert w.supervisor.name not in page


def test_admins_see_choose_their_outcomes_on_a_person_without_any(admin, w, client, auth):
    person = w.person
    person.plans = []
    db.session.commit()
    page = admin.text(f"/people/{person.id}")
    assert f'href="/setup/people/{person.id}">Choose their outcomes</a>' in page
    client.post("/sign-out", data={"csrf_token": admin.token})
    auth.sign_in(w.supervisor)
    assert "Choose their outcomes" not in client.get(f"/people/{person.id}").get_data(as_text=True)


def test_people_list_is_searchable(admin, w):
    page = admin.text("/setup/people?q=bo")
    assert "Bo M." in page and "Ada L." not in page


def test_a_field_without_a_list_of_answers_takes_none_and_says_why(admin, w):
    """Gender has no list yet: the form offers only "Not recorded", and a typed answer is
    refused plainly, with nothing stored."""
    w.org.demographic_options = {"age band": ["35-44"]}
    db.session.commit()
    page = admin.text("/setup/people/new")
    assert "No answers set yet: an admin lists them in the organisation&#39;s settings." in page
    refused = admin.post("/setup/people/new", _form(demographic_0="35-44", demographic_1="Woman"))
    assert refused.status_code == 422
    assert "Gender has no answers to choose from yet." in refused.get_data(as_text=True)
    assert _person(w.org, "RS-9") is None
    assert admin.post("/setup/people/new", _form(demographic_0="35-44")).status_code == 303
    assert _person(w.org, "RS-9").demographics == {"age band": "35-44"}
