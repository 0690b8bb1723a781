"""Anonymised stories are anonymous: a check finds what would identify someone, a worker or
supervisor approves (and may edit) the wording, and funders see only that wording."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Entry, Funder, Story, funder_viewer
from app.models.clock import utcnow
from app.stories.check import Known, findings, problems, suggest
from tests.fixtures.factories import make_entry, make_person, make_user
from tests.fixtures.web import Auth, csrf_from

NOTE = (
    "Ada and Bo M. met at 12 Acacia Avenue, LS6 2AB. RS-2 gave her number, 07700 900123, "
    "and bo@example.org. Ada took the bus alone for the first time."
)


@pytest.fixture
def story(w):
    """A funder with a viewer, and a shareable note about Ada, who agreed to stories."""
    w.person.consent_scope = "records,stories"
    funder = Funder(organisation_id=w.org.id, name="City Fund", activities=[w.activity])
    db.session.add(funder)
    db.session.flush()
    viewer = make_user(w.org, "funder", email="viewer@riverside.example.org")
    db.session.execute(funder_viewer.insert().values(funder_id=funder.id, user_id=viewer.id))
    entry = make_entry(
        w.person,
        w.worker,
        "note",
        utcnow() - timedelta(days=1),
        activity_id=w.activity.id,
        note=NOTE,
        shareable=True,
    )
    db.session.commit()
    return dict(funder=funder, viewer=viewer, entry=entry)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Ada came to the door", "name"),  # a person's name (part of "Ada L.")
        ("Bo M. came along", "name"),  # another person's whole name
        ("Riverside said well done", None),  # the organisation's name is not a person
        ("RS-1 came", "reference"),
        ("write to ada.l@mail.example.com", "email"),
        ("rang 07700 900123", "phone"),
        ("rang +44 161 496 0000", "phone"),
        ("lives at SW1A 1AA", "postcode"),
        ("moved near LS6 last year", "postcode"),
        ("took the A1 to the coast", None),  # a road number is not a postcode
        ("went to 14a Mill Lane", "address"),
        ("walked down on Station Road", "address"),
        ("took the bus alone for the first time", None),
    ],
)
def test_the_check_finds_what_identifies_someone(w, text, kind):
    known = Known.for_organisation(w.org.id)
    assert {f.kind for f in findings(text, known)} == ({kind} if kind else set())


def test_staff_names_are_found_too(w):
    make_user(w.org, "worker", name="Priya Shah")
    db.session.commit()
    known = Known.for_organisation(w.org.id)
    assert [f.text for f in findings("Priya went with them", known)] == ["Priya"]
    assert problems("Shah went with them", known) == ["It still has a name: “Shah”."]


def test_the_suggested_wording_passes_the_check(w):
    known = Known.for_organisation(w.org.id)
    suggested = suggest(NOTE, known)
    assert findings(suggested, known) == []
    assert suggested.endswith("[name] took the bus alone for the first time.")
    for leaked in ("Ada", "Bo", "Acacia", "LS6", "RS-2", "07700", "bo@example.org"):
        assert leaked not in suggested


def _approve(client, auth, entry, wording):
    page = client.get("/stories/").get_data(as_text=True)
    return client.post(
        f"/stories/{entry.id}",
        data={"csrf_token": csrf_from(page), f"{entry.id.hex}-wording": wording},
    )


def _funder_sees(app, story) -> str:
    viewer = app.test_client()
    Auth(viewer).sign_in(story["viewer"])
    return viewer.get(
        f"/reports/{story['funder'].id}?period=custom"
        f"&from={(utcnow() - timedelta(days=7)).date()}"
        f"&to={utcnow().date()}"
    ).get_data(as_text=True)


def test_a_funder_sees_nothing_of_a_note_until_its_wording_is_approved(app, client, auth, w, story):
    assert "took the bus alone" not in _funder_sees(app, story)
    auth.sign_in(w.worker)
    wording = "[name] took the bus alone for the first time, and was proud of it."
    assert _approve(client, auth, story["entry"], wording).status_code == 303
    seen = _funder_sees(app, story)
    assert wording in seen
    for leaked in ("Ada", "Acacia", "07700", "RS-2", "LS6"):
        assert leaked not in seen
    assert db.session.get(Entry, story["entry"].id).note == NOTE  # the note is unchanged
    [approved] = db.session.scalars(db.select(Story))
    assert approved.approved_by_id == w.worker.id


def test_wording_that_still_identifies_someone_is_refused_and_nothing_is_stored(
    client, auth, w, story
):
    auth.sign_in(w.supervisor)
    response = _approve(client, auth, story["entry"], "Ada rang from 07700 900123.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "It still has a name: “Ada”." in page and "a phone number" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Story)) == 0


def test_a_supervisor_may_edit_an_approved_wording(app, client, auth, w, story):
    auth.sign_in(w.worker)
    _approve(client, auth, story["entry"], "[name] took the bus alone.")
    office = app.test_client()
    office_auth = Auth(office)
    office_auth.sign_in(w.supervisor)
    assert _approve(office, office_auth, story["entry"], "Took the bus alone.").status_code == 303
    assert [s.wording for s in db.session.scalars(db.select(Story))] == ["Took the bus alone."]
    assert "Took the bus alone." in _funder_sees(app, story)


def test_a_worker_cannot_approve_a_note_about_someone_outside_their_caseload(
    client, auth, w, story
):
    auth.sign_in(w.colleague)
    assert _approve(client, auth, story["entry"], "Took the bus.").status_code == 404
    other = make_entry(w.other_person, w.other_worker, "note", note="x", shareable=True)
    db.session.commit()
    assert _approve(client, auth, other, "Took the bus.").status_code == 404


def test_a_note_without_consent_to_stories_cannot_be_approved(client, auth, w, story):
    w.person.consent_scope = "records"
    db.session.commit()
    auth.sign_in(w.worker)
    response = _approve(client, auth, story["entry"], "Took the bus alone.")
    assert response.status_code == 422
    assert "may not be shared" in response.get_data(as_text=True)


def test_withdrawn_consent_and_erasure_take_the_approved_wording_away(app, client, auth, w, story):
    from app.privacy import erasure

    auth.sign_in(w.worker)
    _approve(client, auth, story["entry"], "Took the bus alone for the first time.")
    erasure.withdraw_story_consent(w.person)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Story)) == 0
    assert "Took the bus alone" not in _funder_sees(app, story)


def test_approved_wording_that_names_someone_who_joined_later_is_not_shown(
    app, client, auth, w, story
):
    auth.sign_in(w.worker)
    _approve(client, auth, story["entry"], "Went with Hollis to the market.")
    assert "Went with Hollis" in _funder_sees(app, story)
    make_person(w.org, display_name="Hollis Grey")
    db.session.commit()
    assert "Went with Hollis" not in _funder_sees(app, story)
