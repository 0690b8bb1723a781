"""Switching measures on, importing a licensed one, and restricted safeguarding concerns."""

import io
import json

from sqlalchemy import select

from app.extensions import db
from app.measures.definitions import shipped
from app.models import (
    AuditEvent,
    MeasurePlan,
    OrganisationMeasure,
    SafeguardingConcern,
    SafeguardingPermission,
)


def test_admin_sees_each_measures_source_terms_and_registration(client, auth, w):
    auth.sign_in(w.admin)
    page = client.get("/setup/measures").get_data(as_text=True)
    for definition in shipped().values():
        assert f">{definition.name} " in page or f">{definition.name}<" in page
    assert "register with Warwick Medical School" in page
    assert "Stewart-Brown S et al. (2009)" in page
    assert "CC BY-NC-SA 4.0" in page


def test_admin_sees_each_reliable_change_threshold_with_its_source(client, auth, w):
    auth.sign_in(w.admin)
    page = client.get("/setup/measures").get_data(as_text=True)
    # WEMWBS's is worked from the source's SEM (1.96 × √2 × 3.1), the others given as such.
    wemwbs = page[page.index('id="measure-wemwbs"') :]
    assert "<dt>Reliable change</dt><dd>8.59 points or more for one person: Maheswaran" in wemwbs
    phq9 = page[page.index('id="measure-phq9"') :]
    assert "<dt>Reliable change</dt><dd>6 points or more for one person: NHS Talking" in phq9
    # DIALOG's is worked from an SD and an alpha (1.96 × √2 × 1.1 × √0.29), for one score only.
    dialog = page[page.index('id="measure-dialog"') : page.index('id="measure-gad7"')]
    assert (
        "<dt>Reliable change</dt><dd>1.64 points or more for one person: Subjective quality of "
        "life only" in dialog
    )
    ons4 = page[page.index('id="measure-ons4"') :]
    ons4 = ons4[: ons4.index("</dl>")]  # its own terms only
    assert "ONS4" in ons4 and "Reliable change" not in ons4  # none given, none shown


def test_admin_switches_a_measure_on_with_its_plan(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/measures")
    answer = client.post(
        "/setup/measures/swemwbs",
        data={
            "csrf_token": token,
            "swemwbs-baseline": "y",
            "swemwbs-every_weeks": "10",
            "swemwbs-outcomes": [str(w.outcome.id)],
            "swemwbs-accept_terms": "y",
        },
    )
    assert answer.status_code == 303
    plan = db.session.scalars(select(MeasurePlan)).one()
    assert (plan.measure_key, plan.active, plan.every_weeks) == ("swemwbs", True, 10)
    assert (plan.baseline, plan.at_discharge) == (True, False)
    assert [o.id for o in plan.outcomes] == [w.outcome.id]


def test_switching_on_needs_the_terms_read_and_own_outcomes(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/measures")
    answer = client.post(
        "/setup/measures/swemwbs",
        data={"csrf_token": token, "swemwbs-outcomes": [str(w.other_outcome.id)]},
    )
    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Confirm you have read SWEMWBS" in body
    assert "Choose outcomes of this organisation." in body
    assert db.session.scalars(select(MeasurePlan)).all() == []


def test_switching_off_keeps_the_plan_but_stops_offering_it(client, auth, w):
    db.session.add(MeasurePlan(organisation_id=w.org.id, measure_key="ons4"))
    db.session.commit()
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/measures")
    client.post("/setup/measures/ons4", data={"csrf_token": token, "switch_off": "1"})
    assert db.session.scalars(select(MeasurePlan)).one().active is False
    page = client.get(f"/people/{w.person.id}/measures").get_data(as_text=True)
    assert "Start ONS4" not in page


def _core10_like() -> dict:
    return {
        "key": "core10",
        "name": "CORE-10",
        "title": "Clinical Outcomes in Routine Evaluation (10 items)",
        "scale": [{"value": v, "label": f"Answer {v}"} for v in range(5)],
        "items": [{"key": str(n), "text": f"Licensed wording {n}"} for n in range(1, 11)],
        "scoring": {"rule": "prorated_sum", "min_answered": 9},
        "source": "Licensed from its authors",
        "terms": "CC BY-ND 4.0: the wording is never changed",
    }


def _upload(client, token, body: bytes):
    return client.post(
        "/setup/measures/import",
        data={"csrf_token": token, "file": (io.BytesIO(body), "core10.json")},
        content_type="multipart/form-data",
    )


def test_an_organisation_imports_its_own_licensed_definition(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/measures")
    assert _upload(client, token, json.dumps(_core10_like()).encode()).status_code == 303
    row = db.session.scalars(select(OrganisationMeasure)).one()
    assert row.body["items"][0]["text"] == "Licensed wording 1"
    assert "CORE-10" in client.get("/setup/measures").get_data(as_text=True)


def test_a_broken_definition_is_refused_with_its_reason(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/measures")
    broken = _core10_like() | {"scoring": {"rule": "prorated_sum"}}
    answer = _upload(client, token, json.dumps(broken).encode())
    assert answer.status_code == 422
    assert "min_answered" in answer.get_data(as_text=True)
    assert _upload(client, token, b"not json").status_code == 422
    assert db.session.scalars(select(OrganisationMeasure)).all() == []


def test_another_organisations_imported_measure_is_not_found(client, auth, w):
    db.session.add(
        OrganisationMeasure(organisation_id=w.other.id, key="core10", body=_core10_like())
    )
    db.session.commit()
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/measures")
    answer = client.post(
        "/setup/measures/core10", data={"csrf_token": token, "core10-accept_terms": "y"}
    )
    assert answer.status_code == 404
    assert db.session.scalars(select(MeasurePlan)).all() == []


def _concern(w, note="Said they feel unsafe at home"):
    db.session.add(
        SafeguardingConcern(
            organisation_id=w.org.id,
            person_id=w.person.id,
            raised_by_id=w.worker.id,
            note=note,
        )
    )
    db.session.commit()


def test_only_safeguarding_permission_holders_read_a_concern(client, auth, w):
    _concern(w)
    auth.sign_in(w.supervisor)
    page = client.get(f"/people/{w.person.id}/concerns").get_data(as_text=True)
    assert "1 concern recorded" in page and "unsafe at home" not in page
    db.session.add(SafeguardingPermission(user_id=w.supervisor.id, organisation_id=w.org.id))
    db.session.commit()
    page = client.get(f"/people/{w.person.id}/concerns").get_data(as_text=True)
    assert "unsafe at home" in page
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("concern.list") == 1 and actions.count("concern.read") == 1


def test_a_worker_raises_a_concern_and_an_empty_one_is_refused(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/concerns")
    empty = client.post(f"/people/{w.person.id}/concerns", data={"csrf_token": token})
    assert empty.status_code == 422 and "Write the concern" in empty.get_data(as_text=True)
    client.post(f"/people/{w.person.id}/concerns", data={"csrf_token": token, "note": "Bruising"})
    concern = db.session.scalars(select(SafeguardingConcern)).one()
    assert (concern.note, concern.raised_by_id) == ("Bruising", w.worker.id)


def test_admin_grants_the_safeguarding_permission_only_to_own_staff(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/measures")
    refused = client.post(
        "/setup/measures/safeguarding",
        data={"csrf_token": token, "readers": [str(w.other_worker.id)]},
    )
    assert refused.status_code == 422
    client.post(
        "/setup/measures/safeguarding",
        data={
            "csrf_token": token,
            "procedure": "Call the duty lead on 0100.",
            "readers": [str(w.supervisor.id)],
        },
    )
    assert [p.user_id for p in db.session.scalars(select(SafeguardingPermission))] == [
        w.supervisor.id
    ]
