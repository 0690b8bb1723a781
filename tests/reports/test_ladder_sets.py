"""Templates: one organisation exports its ladders as a file, another imports them."""

import io
import json

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Outcome


def test_an_outcome_set_round_trips_to_another_organisation(client, auth, w):
    w.outcome.rungs[1].retired = True
    db.session.commit()
    auth.sign_in(w.admin)
    response = client.get("/ladders/export")
    assert "attachment" in response.headers["Content-Disposition"]
    exported = json.loads(response.data)
    assert exported["outcomes"] == [
        {
            "name": "Getting out and about",
            "description": "",
            "rungs": ["Opened the door", "Took the bus alone"],
        }
    ]
    assert {"name": "Doorstep support", "outcomes": ["Getting out and about"]} in exported[
        "activities"
    ]
    client.post("/sign-out", data={"csrf_token": auth.csrf("/ladders/")})

    auth.sign_in(w.other_admin)
    token = auth.csrf("/ladders/")
    done = client.post(
        "/ladders/import",
        data={"csrf_token": token, "file": (io.BytesIO(response.data), "set.json")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 303
    imported = db.session.scalar(
        select(Outcome).where(
            Outcome.organisation_id == w.other.id, Outcome.name == "Getting out and about"
        )
    )
    assert [r.text for r in imported.rungs] == ["Opened the door", "Took the bus alone"]
    activity = db.session.scalar(
        select(Activity).where(
            Activity.organisation_id == w.other.id, Activity.name == "Doorstep support"
        )
    )
    assert [o.name for o in activity.outcomes] == ["Getting out and about"]
    # The first organisation's rows are untouched and still its own.
    assert w.outcome.organisation_id == w.org.id and len(w.outcome.rungs) == 3

    again = client.post(
        "/ladders/import",
        data={"csrf_token": token, "file": (io.BytesIO(response.data), "set.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "1 already existed here by name" in again.get_data(as_text=True)


def test_a_bad_outcome_set_is_refused_and_nothing_is_added(client, auth, w):
    auth.sign_in(w.other_admin)
    before = db.session.scalar(select(db.func.count()).select_from(Outcome))
    for body, message in [
        (b"{not json", "not a template"),
        (
            json.dumps({"outcomes": [{"name": "X", "rungs": []}]}).encode(),
            "needs from 1 to 30 rungs",
        ),
        (json.dumps({"outcomes": [{"name": "", "rungs": ["a"]}]}).encode(), "must be some text"),
    ]:
        response = client.post(
            "/ladders/import",
            data={"csrf_token": auth.csrf("/ladders/"), "file": (io.BytesIO(body), "set.json")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Outcome)) == before


def test_an_import_without_a_file_asks_for_one(client, auth, w):
    auth.sign_in(w.other_admin)
    before = db.session.scalar(select(db.func.count()).select_from(Outcome))
    for chosen in [{}, {"file": (io.BytesIO(b""), "")}]:
        response = client.post(
            "/ladders/import",
            data={"csrf_token": auth.csrf("/ladders/"), **chosen},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422
        assert "Choose a template file to import." in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Outcome)) == before


def test_only_admins_share_outcome_sets(client, auth, w):
    auth.sign_in(w.supervisor)
    assert client.get("/ladders/export").status_code == 403
