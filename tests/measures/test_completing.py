"""Completing a measure: one entry (kind measure) with its answers, scored on the server."""

import csv
import io
import re
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Entry, MeasureReading, SafeguardingConcern
from tests.fixtures.measures import answers_form, make_reading, switch_on

REPLAY = {"X-Stepladder-Replay": "1"}


def _post(client, person, key, values, token, **kw):
    return client.post(
        f"/people/{person.id}/measures/{key}", data=answers_form(key, values, token, **kw)
    )


def _readings():
    return db.session.scalar(select(func.count()).select_from(MeasureReading))


def test_persons_page_links_to_measures_and_each_switched_on_one_starts(client, auth, w, on):
    auth.sign_in(w.worker)
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert f'href="/people/{w.person.id}/measures">Measures</a>' in page
    measures = client.get(f"/people/{w.person.id}/measures").get_data(as_text=True)
    assert ">Start SWEMWBS</a>" in measures and ">Start PHQ-9</a>" in measures
    assert "Start WEMWBS" not in measures  # shipped, but not switched on


def test_each_question_is_a_fieldset_with_labelled_radios(client, auth, w, on):
    auth.sign_in(w.worker)
    page = client.get(f"/people/{w.person.id}/measures/swemwbs").get_data(as_text=True)
    legends = re.findall(r"<legend>(.*?)</legend>", page)
    assert legends[0] == "I&#39;ve been feeling optimistic about the future"
    assert len(legends) == 7
    assert page.count('type="radio"') == 35
    assert '<label for="q-1-1">None of the time</label>' in page
    assert "1 of 7" in page and "7 of 7" in page
    assert page.count("Save answers") == 1


def test_completed_measure_is_one_entry_scored_with_the_conversion_table(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/swemwbs")
    entry_id = uuid.uuid4()
    answer = _post(client, w.person, "swemwbs", [3, 3, 3, 3, 3, 3, 2], token, entry_id=entry_id)
    assert answer.status_code == 303
    entry = db.session.get(Entry, entry_id)
    assert entry.kind == "measure" and entry.person_id == w.person.id
    reading = db.session.get(MeasureReading, entry_id)
    assert (reading.raw, reading.score) == (20, 18.59)
    assert reading.answers == {"1": 3, "2": 3, "3": 3, "6": 3, "7": 3, "9": 3, "11": 2}
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert re.search(r'role="status"[^>]*>\s*<p><strong>Saved</strong> · SWEMWBS', shown)
    assert "score 18.59" in shown


def test_replayed_measure_is_stored_once_and_different_answers_conflict(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/swemwbs")
    entry_id = uuid.uuid4()
    form = answers_form("swemwbs", [4] * 7, token, entry_id)
    path = f"/people/{w.person.id}/measures/swemwbs"
    first = client.post(path, data=form, headers=REPLAY)
    again = client.post(path, data=form, headers=REPLAY)
    other = client.post(path, data=form | {"q_1": "1"}, headers=REPLAY)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json == {"id": str(entry_id), "created": True}
    assert _readings() == 1
    assert db.session.get(MeasureReading, entry_id).raw == 28


def test_missing_answer_is_refused_clearly_and_nothing_is_written(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/phq9")
    answer = _post(client, w.person, "phq9", [1] * 8, token)
    assert answer.status_code == 422
    assert "1 question not answered" in answer.get_data(as_text=True)
    assert _readings() == 0
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_an_answer_off_the_scale_is_refused(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/phq9")
    answer = _post(client, w.person, "phq9", [1] * 8 + ["x"], token)
    assert answer.status_code == 422
    assert "choose one of the answers" in answer.get_data(as_text=True)
    assert _readings() == 0


def test_a_measure_not_switched_on_is_not_found(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf()
    assert client.get(f"/people/{w.person.id}/measures/gad7").status_code == 404
    assert _post(client, w.person, "gad7", [0] * 7, token).status_code == 404


def test_another_organisations_person_and_another_caseload_are_not_found(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf()
    for person in (w.other_person, w.person2):
        assert client.get(f"/people/{person.id}/measures").status_code == 404
        assert _post(client, person, "swemwbs", [3] * 7, token).status_code == 404
    assert _readings() == 0


def test_risk_answer_prompts_with_the_procedure_and_opens_a_concern(client, auth, w, on):
    from app.models import MeasureSettings

    db.session.add(
        MeasureSettings(organisation_id=w.org.id, safeguarding_procedure="Ring the duty lead.")
    )
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/phq9")
    answer = _post(client, w.person, "phq9", [0] * 8 + [1], token)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'role="alert"' in page and "Ring the duty lead." in page
    assert "better off dead" in page
    reading = db.session.scalars(select(MeasureReading)).one()
    assert reading.risk is True and reading.score == 1
    concern = db.session.scalars(select(SafeguardingConcern)).one()
    assert concern.person_id == w.person.id and concern.entry_id == reading.entry_id


def test_no_risk_answer_no_prompt(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/phq9")
    answer = _post(client, w.person, "phq9", [3] * 8 + [0], token)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "safeguarding procedure now" not in page
    assert db.session.scalar(select(func.count()).select_from(SafeguardingConcern)) == 0


def test_htmx_post_answers_the_calm_finish_without_a_band(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/phq9")
    answer = client.post(
        f"/people/{w.person.id}/measures/phq9",
        data=answers_form("phq9", [2] * 9, token),
        headers={"HX-Request": "true", "HX-Target": "measure"},
    )
    body = answer.get_data(as_text=True)
    assert answer.status_code == 201
    assert "Thank you" in body and 'hx-swap-oob="innerHTML"' in body
    assert "Moderately severe" not in body  # 18: no clinical band unless the service chooses


def test_the_service_can_choose_to_show_the_band(client, auth, w, on):
    on["phq9"].show_bands = True
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/phq9")
    answer = client.post(
        f"/people/{w.person.id}/measures/phq9",
        data=answers_form("phq9", [2] * 9, token),
        headers={"HX-Request": "true", "HX-Target": "measure"},
    )
    assert "Moderately severe" in answer.get_data(as_text=True)


def test_a_voided_measure_no_longer_counts_and_the_baseline_is_due_again(client, auth, w, on):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}/measures/swemwbs")
    entry_id = uuid.uuid4()
    _post(client, w.person, "swemwbs", [3] * 7, token, entry_id=entry_id)
    page = client.get(f"/people/{w.person.id}/measures").get_data(as_text=True)
    assert "SWEMWBS baseline due" not in page and "score 19.25" in page
    undo = client.post(
        f"/people/{w.person.id}/entries",
        data={"csrf_token": token, "id": str(uuid.uuid4()), "action": f"void:{entry_id}"},
    )
    assert undo.status_code == 303
    page = client.get(f"/people/{w.person.id}/measures").get_data(as_text=True)
    assert "SWEMWBS baseline due" in page and "score 19.25" not in page


def test_gbo_rates_the_persons_goals_in_their_own_words(client, auth, w):
    plan = w.person.plans[0]
    plan.own_words = "Get the bus to my sister's"
    db.session.commit()
    switch_on(w.org, "gbo")
    auth.sign_in(w.worker)
    page = client.get(f"/people/{w.person.id}/measures/gbo").get_data(as_text=True)
    assert "<legend>Get the bus to my sister&#39;s</legend>" in page
    token = auth.csrf(f"/people/{w.person.id}/measures/gbo")
    key = f"q_goal_{plan.outcome_id}"
    answer = client.post(
        f"/people/{w.person.id}/measures/gbo",
        data={"csrf_token": token, "id": str(uuid.uuid4()), key: "6"},
    )
    assert answer.status_code == 303
    reading = db.session.scalars(select(MeasureReading)).one()
    assert reading.parts == {"goals": 6.0}
    assert reading.wording == {f"goal_{plan.outcome_id}": "Get the bus to my sister's"}


def test_measures_export_has_one_row_per_reading_with_item_columns(client, auth, w, on):
    kept = make_reading(w.person, w.worker, "swemwbs", 18.59, 3, answers={"1": 3})
    gone = make_reading(w.person, w.worker, "phq9", 5, 2, answers={"9": 0})
    from tests.fixtures.factories import make_entry

    make_entry(w.person, w.supervisor, "void", amends_id=gone.id, reason="Wrong person")
    make_reading(w.other_person, w.other_worker, "swemwbs", 25.03, 1)
    db.session.commit()
    auth.sign_in(w.supervisor)
    from app.local_time import local_today

    today = local_today()
    answer = client.get(f"/export/measures.csv?from={today - timedelta(days=10)}&to={today}")
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [r["entry_id"] for r in rows] == [str(kept.id), str(gone.id)]
    assert rows[0]["measure"] == "SWEMWBS" and rows[0]["score"] == "18.59"
    assert rows[0]["swemwbs_1"] == "3" and rows[0]["phq9_9"] == ""
    assert rows[1]["status"] == "voided" and rows[1]["phq9_9"] == "0"
    assert rows[0]["person_reference"] == "RS-1"
    assert {"recorded_at", "received_at"} <= set(rows[0])
    assert db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export.measures")
    )


def test_workers_cannot_export_measures(client, auth, w, on):
    auth.sign_in(w.worker)
    assert client.get("/export/measures.csv?from=2026-01-01&to=2026-01-31").status_code == 403


def test_a_supervisor_corrects_answers_and_only_the_correction_counts(client, auth, w, on):
    first = make_reading(w.person, w.worker, "swemwbs", 19.25, 2, answers={})
    reading = db.session.get(MeasureReading, first.id)
    reading.answers = {"1": 3, "2": 3, "3": 3, "6": 3, "7": 3, "9": 3, "11": 3}
    reading.raw = 21
    db.session.commit()
    auth.sign_in(w.supervisor)
    path = f"/people/{w.person.id}/measures/swemwbs"
    page = client.get(f"{path}?corrects={first.id}").get_data(as_text=True)
    assert f'name="amends" value="{first.id}"' in page and 'id="q-1-3"' in page
    assert re.search(r'id="q-1-3"[^>]*checked', page)  # the earlier answers, to change
    assert not re.search(r'id="q-1-4"[^>]*checked', page)
    token = auth.csrf(f"{path}?corrects={first.id}")
    form = answers_form("swemwbs", [4] * 7, token) | {"amends": str(first.id)}
    refused = client.post(path, data=form)
    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    answer = client.post(path, data=form | {"reason": "Read the answers back wrongly"})
    assert answer.status_code == 303
    correction = db.session.get(Entry, uuid.UUID(form["id"]))
    assert (correction.kind, correction.amends_id) == ("measure", first.id)
    listed = client.get(f"/people/{w.person.id}/measures").get_data(as_text=True)
    assert "score 25.03" in listed and "score 19.25" not in listed


def test_a_worker_cannot_correct_another_workers_reading(client, auth, w, on):
    first = make_reading(w.person, w.colleague, "swemwbs", 19.25, 2, answers={"1": 3})
    db.session.commit()
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}/measures/swemwbs"
    assert client.get(f"{path}?corrects={first.id}").status_code == 404
    token = auth.csrf(path)
    form = answers_form("swemwbs", [4] * 7, token) | {"amends": str(first.id), "reason": "x"}
    assert client.post(path, data=form).status_code == 404
    assert _readings() == 1
