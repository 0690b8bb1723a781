"""Giving ladders and key workers to many people at once: adds, never removes; all or nothing."""

from app.extensions import db
from app.models import Person
from tests.fixtures.factories import make_outcome, make_person


def _plans(person_id: int) -> set[int]:
    return {p.outcome_id for p in db.session.get(Person, person_id).plans}


def _workers(person_id: int) -> set[int]:
    return {u.id for u in db.session.get(Person, person_id).key_workers}


def test_admin_gives_many_people_an_outcome_and_a_key_worker(admin, w):
    connecting = make_outcome(w.org, "Connecting with people")
    new = [make_person(w.org, display_name=f"New {n}") for n in range(3)]
    db.session.commit()
    ids = [p.id for p in new]
    response = admin.post(
        "/setup/people/give",
        {
            "people": [str(i) for i in ids[:2]] + [str(w.person.id)],
            "give_outcome": [str(connecting.id), str(w.outcome.id)],
            "give_worker": [str(w.colleague.id)],
        },
    )
    assert response.status_code == 303
    for person_id in ids[:2]:
        assert _plans(person_id) == {connecting.id, w.outcome.id}
        assert _workers(person_id) == {w.colleague.id}
    # Ada already had the outcome and her key worker: she keeps them and gains the new ones.
    assert _plans(w.person.id) == {connecting.id, w.outcome.id}
    assert _workers(w.person.id) == {w.worker.id, w.colleague.id}
    assert _plans(ids[2]) == set() and _workers(ids[2]) == set()


def test_another_organisations_person_or_outcome_changes_nothing(admin, w):
    new = make_person(w.org, display_name="New one")
    db.session.commit()
    for people, outcome in [
        ([new.id, w.other_person.id], w.outcome.id),
        ([new.id], w.other_outcome.id),
    ]:
        response = admin.post(
            "/setup/people/give",
            {"people": [str(i) for i in people], "give_outcome": [str(outcome)]},
        )
        assert response.status_code == 422
        assert "Nothing was changed" in response.get_data(as_text=True)
        assert _plans(new.id) == set()
    assert _plans(w.other_person.id) == {w.other_outcome.id}


def test_nothing_ticked_is_asked_for_plainly(admin, w):
    no_people = admin.post("/setup/people/give", {"give_outcome": [str(w.outcome.id)]})
    assert no_people.status_code == 422
    assert "Tick the people" in no_people.get_data(as_text=True)
    nothing = admin.post("/setup/people/give", {"people": [str(w.person.id)]})
    assert "Tick at least one outcome or key worker" in nothing.get_data(as_text=True)
