"""Arbitrary text, numbers, dates and ids into the funder and indicator set-up forms and into
the forms that void or correct an entry: a clear refusal with nothing changed, or a save
that holds exactly what was sent."""

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.entries import rollup
from app.entries.indicators import KINDS
from app.extensions import db
from app.models import Entry, Funder, Indicator, funder_viewer
from tests.fixtures.factories import make_entry, make_user
from tests.fixtures.rows import all_row_counts, changed_tables
from tests.fixtures.strategies import anything

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ids = st.one_of(anything, st.integers(min_value=-(2**70), max_value=2**70).map(str))
dates = st.one_of(anything, st.dates().map(str))


def mostly(good, bad=anything):
    """Usually a value the form should accept, sometimes anything at all."""
    return st.sampled_from([True, True, True, False]).flatmap(lambda ok: good if ok else bad)


plain = st.text(min_size=1, max_size=60).filter(str.strip)


def post(client, auth, user, path: str, data: dict, token_from: str = "/reports/"):
    """Sign in (once per test) and post `data` with a real CSRF token."""
    if not client.get_cookie("session"):
        auth.sign_in(user)
    if not hasattr(client, "token"):
        client.token = auth.csrf(token_from)
    response = client.post(path, data={"csrf_token": client.token, **data})
    return response


def saved(response) -> bool:
    """True for a save (303); a refusal must be a clear 4xx, never a 5xx."""
    assert response.status_code < 500, response.status_code
    event(f"answered {response.status_code}")
    if response.status_code == 303:
        return True
    assert 400 <= response.status_code < 500, response.status_code
    return False


def as_date(text: str):
    return datetime.strptime(text, "%Y-%m-%d").date() if text.strip() else None


# --- funders --------------------------------------------------------------------------------


@SETTINGS
@given(
    name=mostly(plain, anything | st.text(min_size=195, max_size=205)),
    description=anything,
    starts_on=mostly(st.just(""), dates),
    ends_on=mostly(st.just(""), dates),
    activities=mostly(
        st.lists(st.just("MINE"), max_size=1),
        st.lists(st.one_of(ids, st.sampled_from(["MINE", "THEIRS"])), max_size=3),
    ),
    outcomes=mostly(
        st.lists(st.just("MINE"), max_size=1),
        st.lists(st.one_of(ids, st.sampled_from(["MINE", "THEIRS"])), max_size=3),
    ),
    viewers=mostly(
        st.lists(st.just("VIEWER"), max_size=1),
        st.lists(st.one_of(ids, st.sampled_from(["VIEWER", "WORKER"])), max_size=3),
    ),
    existing=st.booleans(),
)
def test_funder_form_with_anything(
    client, auth, w, name, description, starts_on, ends_on, activities, outcomes, viewers, existing
):
    if not hasattr(client, "viewer"):
        client.viewer = make_user(w.org, "funder").id
        client.funder = Funder(organisation_id=w.org.id, name="Existing fund")
        db.session.add(client.funder)
        db.session.commit()
        client.funder = client.funder.id
    viewer = client.viewer
    swap = {
        "activities": {"MINE": w.activity.id, "THEIRS": w.other_activity.id},
        "outcomes": {"MINE": w.outcome.id, "THEIRS": w.other_outcome.id},
        "viewers": {"VIEWER": viewer, "WORKER": w.worker.id},
    }
    chosen = {
        key: [str(swap[key].get(v, v)) for v in values]
        for key, values in (
            ("activities", activities),
            ("outcomes", outcomes),
            ("viewers", viewers),
        )
    }
    path = f"/reports/{client.funder}/edit" if existing else "/reports/funders/new"
    before = all_row_counts()
    response = post(
        client,
        auth,
        w.admin,
        path,
        {
            "name": name,
            "description": description,
            "starts_on": starts_on,
            "ends_on": ends_on,
            **chosen,
        },
    )
    after = all_row_counts()
    if not saved(response):
        assert after == before
        return
    assert after["funder"] == before["funder"] + (0 if existing else 1)
    funder = (
        db.session.get(Funder, client.funder)
        if existing
        else db.session.scalars(select(Funder).order_by(Funder.id.desc())).first()
    )
    assert (funder.name, funder.description) == (name.strip(), description.strip())
    assert (funder.starts_on, funder.ends_on) == (as_date(starts_on), as_date(ends_on))
    assert {a.id for a in funder.activities} == {int(v) for v in chosen["activities"]}
    assert {o.id for o in funder.outcomes} == {int(v) for v in chosen["outcomes"]}
    attached = db.session.scalars(
        select(funder_viewer.c.user_id).where(funder_viewer.c.funder_id == funder.id)
    ).all()
    assert set(attached) == {int(v) for v in chosen["viewers"]}
    assert client.get(f"/reports/{funder.id}/edit").status_code == 200


# --- indicators -----------------------------------------------------------------------------


@SETTINGS
@given(
    kind=mostly(st.sampled_from(sorted(KINDS))),
    label=mostly(plain),
    outcome=mostly(st.sampled_from(["MINE", "0"]), st.one_of(ids, st.just("THEIRS"))),
    rung=mostly(st.just("MINE"), st.one_of(ids, st.just("THEIRS"))),
    activity=mostly(st.sampled_from(["MINE", "0"]), st.one_of(ids, st.just("THEIRS"))),
    rungs=mostly(st.integers(min_value=1, max_value=20).map(str), anything | st.just("25")),
    target=mostly(
        st.one_of(st.just(""), st.decimals(min_value=0, max_value=10**6, places=2).map(str)),
        st.one_of(
            anything,
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.sampled_from(["1e400", "-0", "Infinity", "sNaN", "12.5"]),
        ),
    ),
)
def test_indicator_form_with_anything(
    client, auth, w, kind, label, outcome, rung, activity, rungs, target
):
    if not hasattr(client, "funder"):
        funder = Funder(organisation_id=w.org.id, name="Fund")
        db.session.add(funder)
        db.session.commit()
        client.funder = funder.id
    swap = {
        "outcome": {"MINE": w.outcome.id, "THEIRS": w.other_outcome.id},
        "rung": {"MINE": w.outcome.rungs[0].id, "THEIRS": w.other_outcome.rungs[0].id},
        "activity": {"MINE": w.activity.id, "THEIRS": w.other_activity.id},
    }
    picks = {"outcome": outcome, "rung": rung, "activity": activity}
    data = {f"indicator-{k}": str(swap[k].get(v, v)) for k, v in picks.items()}
    data.update(
        {
            "indicator-kind": kind,
            "indicator-label": label,
            "indicator-rungs": rungs,
            "indicator-target": target,
        }
    )
    before = all_row_counts()
    response = post(client, auth, w.admin, f"/reports/{client.funder}/indicators", data)
    after = all_row_counts()
    if not saved(response):
        assert after == before
        return
    assert {k for k in before if before[k] != after[k]} == {"indicator"}
    row = db.session.scalars(select(Indicator).order_by(Indicator.id.desc())).first()
    assert (row.kind, row.label) == (kind, label.strip())
    try:
        expected_target = float(Decimal(target)) if target.strip() else None
    except InvalidOperation:
        expected_target = None
    assert row.target == expected_target
    mine = {w.outcome.id, w.outcome.rungs[0].id, w.activity.id}
    assert set(row.params) <= set(KINDS[kind].params)
    assert all(value in mine or name == "rungs" for name, value in row.params.items()), row.params
    assert client.get(f"/reports/{client.funder}/edit").status_code == 200
    assert client.get(f"/reports/{client.funder}").status_code == 200


# --- voids and corrections ------------------------------------------------------------------


@SETTINGS
@given(
    entry_id=st.one_of(st.just("FRESH"), st.uuids().map(str), anything),
    reason=st.one_of(anything, st.text(min_size=1995, max_size=2005)),
)
def test_void_with_anything(client, auth, w, entry_id, reason):
    entry = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    if entry_id == "FRESH":
        entry_id = str(uuid.uuid4())
    before = all_row_counts()
    response = post(
        client,
        auth,
        w.supervisor,
        f"/entries/{entry.id}/void",
        {"id": entry_id, "reason": reason},
        token_from=f"/entries/{entry.id}/change",
    )
    after = all_row_counts()
    if not saved(response):
        assert after == before
        return
    assert changed_tables(before, after) == {"entry"}
    assert rollup.differences() == []
    void = db.session.get(Entry, uuid.UUID(entry_id))
    assert (void.kind, void.amends_id, void.reason) == ("void", entry.id, reason.strip())


@SETTINGS
@given(
    entry_id=mostly(st.just("FRESH"), st.uuids().map(str) | anything),
    kind=mostly(st.sampled_from(["step", "seen", "setback", "note"]), anything | st.just("void")),
    rung=mostly(st.sampled_from(["MINE", "0"]), st.one_of(ids, st.just("THEIRS"))),
    outcome=mostly(st.sampled_from(["MINE", "0"]), st.one_of(ids, st.just("THEIRS"))),
    activity=mostly(st.sampled_from(["MINE", "0"]), st.one_of(ids, st.just("THEIRS"))),
    note=mostly(plain, anything | st.text(min_size=1995, max_size=2005)),
    reason=mostly(plain),
)
def test_correct_with_anything(
    client, auth, w, entry_id, kind, rung, outcome, activity, note, reason
):
    entry = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    if entry_id == "FRESH":
        entry_id = str(uuid.uuid4())
    swap = {
        "rung": {"MINE": w.outcome.rungs[0].id, "THEIRS": w.other_outcome.rungs[0].id},
        "outcome": {"MINE": w.outcome.id, "THEIRS": w.other_outcome.id},
        "activity": {"MINE": w.activity.id, "THEIRS": w.other_activity.id},
    }
    picks = {"rung": rung, "outcome": outcome, "activity": activity}
    data = {k: str(swap[k].get(v, v)) for k, v in picks.items()}
    data.update({"id": entry_id, "kind": kind, "note": note, "reason": reason})
    before = all_row_counts()
    response = post(
        client,
        auth,
        w.supervisor,
        f"/entries/{entry.id}/correct",
        data,
        token_from=f"/entries/{entry.id}/change",
    )
    after = all_row_counts()
    if not saved(response):
        assert after == before
        return
    assert changed_tables(before, after) == {"entry"}
    assert rollup.differences() == []
    fixed = db.session.get(Entry, uuid.UUID(entry_id))
    assert (fixed.kind, fixed.amends_id, fixed.reason) == (kind, entry.id, reason.strip())
    assert (fixed.recorded_at, fixed.worker_id) == (entry.recorded_at, entry.worker_id)
    assert fixed.note == (note.strip() if kind != "void" else "")
    if kind == "step":
        assert fixed.rung_id == w.outcome.rungs[0].id
    if kind in ("step", "setback"):
        assert fixed.outcome_id == w.outcome.id
    if fixed.activity_id is not None:
        assert fixed.activity_id == w.activity.id


# --- plain regression tests for what the properties found ------------------------------------


def test_a_signalling_nan_or_overflowing_target_is_refused(client, auth, w):
    funder = Funder(organisation_id=w.org.id, name="Fund")
    db.session.add(funder)
    db.session.commit()
    for target in ("sNaN", "Infinity", "1e400"):
        data = {
            "indicator-kind": "people_supported",
            "indicator-label": "People",
            "indicator-target": target,
        }
        response = post(client, auth, w.admin, f"/reports/{funder.id}/indicators", data)
        assert response.status_code == 422, target
        assert "Give a number" in response.get_data(as_text=True)
    assert all_row_counts()["indicator"] == 0


def test_an_id_too_large_for_the_database_is_refused(client, auth, w):
    funder = Funder(organisation_id=w.org.id, name="Fund")
    db.session.add(funder)
    entry = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    huge = str(2**70)
    data = {"indicator-kind": "climbed", "indicator-label": "Up", "indicator-outcome": huge}
    response = post(client, auth, w.admin, f"/reports/{funder.id}/indicators", data)
    assert response.status_code == 422
    client.delete_cookie("session")
    del client.token
    before = all_row_counts()
    data = {"id": str(uuid.uuid4()), "kind": "step", "rung": huge, "reason": "Wrong step"}
    response = post(
        client,
        auth,
        w.supervisor,
        f"/entries/{entry.id}/correct",
        data,
        token_from=f"/entries/{entry.id}/change",
    )
    assert response.status_code == 422
    assert "not part of this organisation" in response.get_data(as_text=True)
    assert all_row_counts() == before
