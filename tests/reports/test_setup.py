"""Admins set up funders and indicators in a few forms; nobody reaches another organisation's."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Funder, Indicator, funder_viewer
from tests.fixtures.factories import make_user


def test_admin_sets_up_a_funder_with_indicators(client, auth, w):
    viewer = make_user(w.org, "funder")
    db.session.commit()
    auth.sign_in(w.admin)
    form = client.get("/reports/funders/new").get_data(as_text=True)
    assert "Doorstep support" in form and "Drop-in" not in form  # only our own activities
    fields = {
        "csrf_token": auth.csrf("/reports/funders/new"),
        "name": "Lottery",
        "activities": [w.activity.id],
        "viewers": [viewer.id],
    }
    theirs = client.post("/reports/funders/new", data={**fields, "outcomes": [w.other_outcome.id]})
    assert theirs.status_code == 422  # another organisation's outcome is not a choice
    assert db.session.scalar(select(Funder)) is None
    response = client.post("/reports/funders/new", data={**fields, "outcomes": [w.outcome.id]})
    assert response.status_code == 303
    funder = db.session.scalar(select(Funder).where(Funder.name == "Lottery"))
    assert [a.id for a in funder.activities] == [w.activity.id]
    assert [o.id for o in funder.outcomes] == [w.outcome.id]
    assert (
        db.session.scalar(
            select(funder_viewer.c.user_id).where(funder_viewer.c.funder_id == funder.id)
        )
        == viewer.id
    )

    edit = f"/reports/{funder.id}/edit"
    rung = w.outcome.rungs[1]
    added = client.post(
        f"/reports/{funder.id}/indicators",
        data={
            "csrf_token": auth.csrf(edit),
            "indicator-kind": "reached_rung",
            "indicator-label": "Left home",
            "indicator-rung": rung.id,
            "indicator-outcome": 0,
            "indicator-activity": 0,
            "indicator-target": "12",
        },
    )
    assert added.status_code == 303
    indicator = db.session.scalar(select(Indicator).where(Indicator.funder_id == funder.id))
    assert (indicator.kind, indicator.params, indicator.target) == (
        "reached_rung",
        {"rung_id": rung.id},
        12,
    )
    assert "Left home with support" in client.get(edit).get_data(as_text=True)


def test_an_indicator_missing_its_setting_is_refused(client, auth, w):
    funder = Funder(organisation_id=w.org.id, name="Trust", activities=[w.activity])
    db.session.add(funder)
    db.session.commit()
    auth.sign_in(w.admin)
    response = client.post(
        f"/reports/{funder.id}/indicators",
        data={
            "csrf_token": auth.csrf(f"/reports/{funder.id}/edit"),
            "indicator-kind": "climbed",
            "indicator-label": "Climbed",
            "indicator-outcome": 0,
            "indicator-rung": 0,
            "indicator-activity": 0,
        },
    )
    assert response.status_code == 422
    assert "needs one" in response.get_data(as_text=True)
    assert db.session.scalar(select(Indicator)) is None


def test_another_organisations_indicator_cannot_be_removed(client, auth, w):
    theirs = Funder(organisation_id=w.other.id, name="Theirs", activities=[w.other_activity])
    theirs.indicators = [
        Indicator(organisation_id=w.other.id, kind="people_supported", label="People")
    ]
    ours = Funder(organisation_id=w.org.id, name="Ours")
    db.session.add_all([theirs, ours])
    db.session.commit()
    auth.sign_in(w.admin)
    token = auth.csrf("/reports/")
    iid = theirs.indicators[0].id
    assert (
        client.post(
            f"/reports/{theirs.id}/indicators/{iid}/delete", data={"csrf_token": token}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/reports/{ours.id}/indicators/{iid}/delete", data={"csrf_token": token}
        ).status_code
        == 404
    )
    assert db.session.get(Indicator, iid) is not None


def test_supervisors_read_reports_but_do_not_set_up_funders(client, auth, w):
    auth.sign_in(w.supervisor)
    assert client.get("/reports/funders/new").status_code == 403
    assert re.search(
        r'href="/reports/"[^>]*>Reports</a>', client.get("/reports/").get_data(as_text=True)
    )


def test_an_indicator_on_an_outcome_or_activity_the_funder_does_not_fund_is_refused(
    client, auth, w
):
    from tests.fixtures.factories import make_activity, make_outcome

    unfunded = make_outcome(w.org, "Work and learning")
    drop_in = make_activity(w.org, "Drop-in group", [unfunded])
    funder = Funder(
        organisation_id=w.org.id,
        name="Trust",
        activities=[w.activity],
        outcomes=[w.outcome],
    )
    db.session.add(funder)
    db.session.commit()
    auth.sign_in(w.admin)
    base = {
        "indicator-label": "Counted",
        "indicator-outcome": 0,
        "indicator-rung": 0,
        "indicator-activity": 0,
    }
    for kind, field, row_id in [
        ("climbed", "indicator-outcome", unfunded.id),
        ("reached_rung", "indicator-rung", unfunded.rungs[0].id),
        ("contacts", "indicator-activity", drop_in.id),
    ]:
        response = client.post(
            f"/reports/{funder.id}/indicators",
            data={
                **base,
                "csrf_token": auth.csrf(f"/reports/{funder.id}/edit"),
                "indicator-kind": kind,
                field: row_id,
            },
        )
        assert response.status_code == 422, kind
        assert "Trust does not fund that" in response.get_data(as_text=True)
    assert db.session.scalar(select(Indicator)) is None
    funded = client.post(
        f"/reports/{funder.id}/indicators",
        data={
            **base,
            "csrf_token": auth.csrf(f"/reports/{funder.id}/edit"),
            "indicator-kind": "climbed",
            "indicator-outcome": w.outcome.id,
        },
    )
    assert funded.status_code == 303


def test_the_indicator_form_marks_which_kinds_use_each_field(client, auth, w):
    funder = Funder(organisation_id=w.org.id, name="Trust")
    db.session.add(funder)
    db.session.commit()
    auth.sign_in(w.admin)
    page = client.get(f"/reports/{funder.id}/edit").get_data(as_text=True)
    marks = dict(
        re.findall(
            r'<div data-kinds="([^"]+)">\s*<div class="field[^"]*">\s*<label for="indicator-(\w+)"',
            page,
        )
    )
    # Each field lists exactly the kinds whose settings include it, per the kinds' registry.
    from app.entries.indicators import KINDS

    param = {"outcome": "outcome_id", "rung": "rung_id", "activity": "activity_id"}
    fields = {v: set(k.split()) for k, v in marks.items()}
    assert fields == {
        name: {key for key, kind in KINDS.items() if param.get(name, name) in kind.params}
        for name in ("outcome", "rung", "activity", "rungs")
    }
