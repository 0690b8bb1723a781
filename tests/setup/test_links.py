"""Which activities serve which outcomes: one table of checkboxes."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import activity_outcome
from tests.fixtures.factories import make_activity, make_outcome


def _links(org_activities):
    ids = [a.id for a in org_activities]
    rows = db.session.execute(
        select(activity_outcome.c.activity_id, activity_outcome.c.outcome_id).where(
            activity_outcome.c.activity_id.in_(ids)
        )
    )
    return set(rows)


def test_the_table_shows_the_current_links_ticked(admin, w):
    page = admin.text("/setup/links")
    key = f"{w.activity.id}-{w.outcome.id}"
    assert re.search(rf'value="{key}"[^>]*checked', page)
    assert "Doorstep support serves Getting out and about" in page


def test_admin_saves_which_activities_serve_which_outcomes(admin, w):
    org, doorstep, out = w.org, w.activity, w.outcome
    travel = make_activity(org, "Travel training")
    people = make_outcome(org, "Connecting with people")
    db.session.commit()
    ticks = [f"{travel.id}-{out.id}", f"{doorstep.id}-{people.id}"]
    response = admin.post("/setup/links", {"links": ticks})
    assert response.status_code == 303
    assert _links([doorstep, travel]) == {(travel.id, out.id), (doorstep.id, people.id)}


def test_links_naming_another_organisations_rows_store_nothing(admin, w):
    doorstep, out = w.activity, w.outcome
    foreign = f"{w.other_activity.id}-{out.id}"
    response = admin.post("/setup/links", {"links": [foreign]})
    assert response.status_code == 422
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert _links([doorstep, w.other_activity]) == {
        (doorstep.id, out.id),
        (w.other_activity.id, w.other_outcome.id),
    }
    assert admin.post("/setup/links", {"links": ["not-a-pair"]}).status_code == 422


def test_links_of_retired_activities_are_kept(admin, w):
    org, doorstep, out = w.org, w.activity, w.outcome
    old = make_activity(org, "Old group", [out])
    old.retired = True
    db.session.commit()
    admin.post("/setup/links", {"links": [f"{doorstep.id}-{out.id}"]})
    assert _links([doorstep, old]) == {(doorstep.id, out.id), (old.id, out.id)}
