"""The supervisor's live overview: counts that agree with the export, late arrivals, the
attention list at its boundaries, cheap polling, and no other organisation's data anywhere."""

import csv
import io
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app import local_time
from app.entries import dashboard, figures, queries
from app.extensions import db
from app.models import Entry
from app.models.clock import utcnow
from tests.fixtures.dashboard import LIVE, local_noon, region_number
from tests.fixtures.factories import make_entry, make_person, make_user


def export_rows(client, first, last) -> list[dict]:
    response = client.get(f"/export/entries.csv?from={first}&to={last}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def counted(rows, **match) -> dict:
    """Count the export's rows the way the dashboard counts: not voided, corrected or a void."""
    live = [
        r
        for r in rows
        if r["status"] == "" and r["kind"] != "void" and all(r[k] == v for k, v in match.items())
    ]
    return dict(
        steps=sum(r["kind"] == "step" for r in live),
        # A contact is a visit: one person on one local day, however many entries but notes.
        contacts=len({(r["person_reference"], local_day(r)) for r in live if r["kind"] != "note"}),
        people=len({r["person_reference"] for r in live}),
    )


def local_day(row: dict):
    """The local day of an export row's recorded_at (written in UTC with a Z)."""
    when = datetime.fromisoformat(row["recorded_at"].replace("Z", "+00:00"))
    return when.astimezone(local_time.local_zone()).date()


@pytest.fixture
def day(w):
    """Today's log for the small world, with a void and a correction among it."""
    first, second, third = w.outcome.rungs
    other_activity_person = make_person(w.org, [w.colleague], [w.outcome], reference="RS-3")
    step1 = make_entry(
        w.person,
        w.worker,
        "step",
        rung=first,
        rung_id=first.id,
        activity_id=w.activity.id,
        at=local_noon(0),
    )
    make_entry(
        w.person,
        w.worker,
        "step",
        rung=second,
        rung_id=second.id,
        activity_id=w.activity.id,
        at=local_noon(0) + timedelta(minutes=5),
    )
    make_entry(w.person2, w.colleague, "seen", at=local_noon(0))
    make_entry(w.person2, w.colleague, "note", note="Chatted", at=local_noon(0))
    wrong = make_entry(
        other_activity_person,
        w.colleague,
        "step",
        rung=third,
        rung_id=third.id,
        at=local_noon(0),
    )
    make_entry(
        other_activity_person,
        w.supervisor,
        "void",
        amends_id=wrong.id,
        reason="Wrong person",
        at=utcnow(),
    )
    mistaken = make_entry(w.person2, w.colleague, "seen", at=local_noon(0))
    make_entry(
        w.person2,
        w.colleague,
        "step",
        rung=third,
        rung_id=third.id,
        amends_id=mistaken.id,
        reason="It was a step",
        at=local_noon(0),
    )
    make_entry(w.person, w.worker, "seen", at=local_noon(3))
    make_entry(
        w.other_person,
        w.other_worker,
        "step",
        rung=w.other_outcome.rungs[0],
        rung_id=w.other_outcome.rungs[0].id,
        at=local_noon(0),
    )
    db.session.commit()
    return dict(step1=step1)


def test_steps_today_region_counts_effective_steps(client, auth, w, day):
    auth.sign_in(w.supervisor)
    html = client.get("/overview/").get_data(as_text=True)
    # Two steps by the worker and one correction to a step; the voided step does not count,
    # nor does the other organisation's step.
    assert region_number(html, "Steps today") == 3
    # Two people visited today: two steps for one, "seen", a note and a step for the other.
    assert region_number(html, "Contacts today") == 2
    assert region_number(html, "People seen today") == 2


@pytest.mark.parametrize(
    "filters, match",
    [
        ({}, {}),
        ({"worker": "colleague"}, {"worker": "colleague"}),
        ({"activity": "activity"}, {"activity": "activity"}),
        ({"outcome": "outcome"}, {"outcome": "outcome"}),
    ],
)
def test_counts_agree_with_export_after_voids_and_corrections(client, auth, w, day, filters, match):
    auth.sign_in(w.supervisor)
    today = local_time.local_today()
    first = today - timedelta(days=6)
    args = {"from": first.isoformat(), "to": today.isoformat()}
    names = {
        "colleague": w.colleague.name,
        "activity": w.activity.name,
        "outcome": w.outcome.name,
    }
    for key, value in filters.items():
        args[key] = str(getattr(w, value).id)
    html = client.get("/overview/", query_string=args).get_data(as_text=True)
    shown = re.search(r"<p>(\d+) steps · (\d+) contacts · (\d+) people seen</p>", html)
    chosen = {k: names[v] for k, v in match.items()}
    exported = export_rows(client, first, today)
    expected = counted(exported, **chosen)
    assert shown, "the chosen period's totals are missing"
    totals = dict(zip(("steps", "contacts", "people"), map(int, shown.groups()), strict=True))
    assert totals == expected
    found = figures.Figures(
        w.org.id, today, **dashboard.parse_filters(args, w.org.id).entry_filters()
    )
    by_outcome = found.breakdowns(*local_time.day_bounds(first, today))["outcome"]
    assert sum(r.steps for r in by_outcome) == expected["steps"]
    # A visit counts once in each outcome it touched, so each row is checked on its own.
    for row in by_outcome:
        outcome = "" if row.id is None else row.name
        assert row.contacts == counted(exported, **{**chosen, "outcome": outcome})["contacts"]


def test_today_counts_agree_with_export_for_today(client, auth, w, day):
    auth.sign_in(w.supervisor)
    today = local_time.local_today()
    html = client.get("/overview/").get_data(as_text=True)
    expected = counted(export_rows(client, today, today))
    assert region_number(html, "Steps today") == expected["steps"]
    assert region_number(html, "Contacts today") == expected["contacts"]
    assert region_number(html, "People seen today") == expected["people"]


def test_breakdown_by_worker_names_each_worker(app, w, day):
    today = local_time.local_today()
    bounds = local_time.day_bounds(today, today)
    breakdowns = figures.Figures(w.org.id, today).breakdowns(*bounds)
    rows = {r.name: r for r in breakdowns["worker"]}
    assert rows[w.worker.name].steps == 2
    assert rows[w.colleague.name].steps == 1
    # The colleague visited one person today (the other's only step was voided).
    assert rows[w.colleague.name].contacts == 1
    assert w.other_worker.name not in rows


def test_late_arrivals_are_flagged_at_the_threshold(client, auth, w):
    at = utcnow() - timedelta(hours=2)
    late = make_entry(
        w.person,
        w.worker,
        "note",
        note="Synced late",
        at=at,
        received_at=at + queries.LATE_ARRIVAL + timedelta(seconds=1),
    )
    on_time = make_entry(
        w.person,
        w.worker,
        "note",
        note="Synced on time",
        at=at,
        received_at=at + queries.LATE_ARRIVAL,
    )
    db.session.commit()
    assert queries.arrived_late(late) and not queries.arrived_late(on_time)
    auth.sign_in(w.supervisor)
    html = client.get("/overview/", headers=LIVE).get_data(as_text=True)
    items = re.findall(r"<li class=\"\">(.*?)</li>", html, re.S)
    assert len(items) == 2
    flagged = [("sent later from an offline phone" in item) for item in items]
    assert sorted(flagged) == [False, True]
    # The feed is by when entries happened; at the same moment, the later arrival first.
    assert flagged[0] is True


def test_an_office_correction_is_never_flagged_as_sent_later(app, w):
    """A supervisor's correction days later keeps the event's time; no phone was offline."""
    at = utcnow() - timedelta(days=3)
    seen = make_entry(w.person, w.worker, "seen", at=at, received_at=at)
    correction = make_entry(
        w.person,
        w.supervisor,
        "note",
        note="It was a phone call",
        at=at,
        amends_id=seen.id,
        reason="Wrong kind",
        received_at=utcnow(),
    )
    assert not queries.arrived_late(correction)


def test_attention_list_boundaries(app, w):
    org = w.org
    org.not_seen_days = 14
    exactly = make_person(org, [w.worker], display_name="Exactly fourteen")
    recent = make_person(org, [w.worker], display_name="Thirteen days")
    never_new = make_person(org, [w.worker], display_name="Never seen, new")
    never_old = make_person(
        org, [w.worker], display_name="Never seen, old", created_at=local_noon(20)
    )
    closed = make_person(org, [w.worker], display_name="Closed", status="closed")
    voided_only = make_person(org, [w.worker], display_name="Seen but voided")
    make_entry(exactly, w.worker, "seen", at=local_noon(14))
    make_entry(recent, w.worker, "seen", at=local_noon(13))
    make_entry(closed, w.worker, "seen", at=local_noon(40))
    make_entry(voided_only, w.worker, "seen", at=local_noon(30))
    wrong = make_entry(voided_only, w.worker, "seen", at=local_noon(1))
    make_entry(voided_only, w.supervisor, "void", amends_id=wrong.id, reason="Wrong person")
    # Ada's latest entry is a setback; Bo's setback came before a step.
    make_entry(w.person, w.worker, "setback", outcome_id=w.outcome.id, at=local_noon(2))
    make_entry(w.person2, w.colleague, "setback", outcome_id=w.outcome.id, at=local_noon(3))
    rung = w.outcome.rungs[0]
    make_entry(w.person2, w.colleague, "step", rung=rung, rung_id=rung.id, at=local_noon(2))
    db.session.commit()

    found = dashboard.attention(org, local_time.local_today())
    not_seen = {p.display_name for p, _ in found.not_seen}
    assert "Exactly fourteen" in not_seen
    assert "Thirteen days" not in not_seen
    assert "Never seen, old" in not_seen
    assert "Never seen, new" not in not_seen
    assert "Closed" not in not_seen
    assert "Seen but voided" in not_seen
    assert [p.display_name for p, _ in found.setbacks] == ["Ada L."]
    assert never_new.id not in {p.id for p, _ in found.not_seen}
    assert never_old.id in {p.id for p, _ in found.not_seen}


def test_attention_not_seen_days_is_per_organisation(app, w):
    person = make_person(w.org, [w.worker], display_name="Five days")
    make_entry(person, w.worker, "seen", at=local_noon(5))
    db.session.commit()
    today = local_time.local_today()
    w.org.not_seen_days = 6

    def listed():
        return {p.display_name for p, _ in dashboard.attention(w.org, today).not_seen}

    assert "Five days" not in listed()
    w.org.not_seen_days = 5
    assert "Five days" in listed()


def test_workers_with_no_entries_this_week(app, w):
    today = local_time.local_today()
    monday = today - timedelta(days=today.weekday())
    zone = local_time.local_zone()
    just_before = datetime.combine(monday, time(0), zone).astimezone(ZoneInfo("UTC")).replace(
        tzinfo=None
    ) - timedelta(minutes=1)
    make_entry(w.person, w.worker, "seen", at=just_before)
    make_entry(w.person2, w.colleague, "seen", at=utcnow() - timedelta(minutes=1))
    idle_away = make_user(w.org, "worker", name="Away Worker", active=False)
    db.session.commit()
    idle = {u.name for u in dashboard.attention(w.org, today).idle_workers}
    assert w.worker.name in idle  # last entry was the minute before Monday began
    assert w.colleague.name not in idle
    assert idle_away.name not in idle  # inactive accounts are not on the list
    assert w.other_worker.name not in idle


def test_attention_list_is_on_the_page_with_links_to_journeys(client, auth, w):
    make_entry(w.person, w.worker, "setback", outcome_id=w.outcome.id, at=local_noon(1))
    db.session.commit()
    auth.sign_in(w.supervisor)
    html = client.get("/overview/").get_data(as_text=True)
    section = html[html.index("Latest entry was a setback") : html.index("Workers with no entries")]
    assert f'href="/journey/{w.person.id}"' in section


def test_poll_answers_204_when_nothing_changed_and_the_new_count_when_it_did(client, auth, w):
    auth.sign_in(w.supervisor)
    first = client.get("/overview/", headers=LIVE)
    assert first.status_code == 200
    version = first.headers["X-Stepladder-Version"]
    assert f"&#34;X-Stepladder-Version&#34;: &#34;{version}&#34;" in first.get_data(
        as_text=True
    ) or f'"X-Stepladder-Version": "{version}"' in first.get_data(as_text=True)
    unchanged = client.get("/overview/", headers={**LIVE, "X-Stepladder-Version": version})
    assert unchanged.status_code == 204
    assert unchanged.headers["HX-Reswap"] == "none"
    assert unchanged.get_data() == b""
    rung = w.outcome.rungs[0]
    make_entry(w.person, w.worker, "step", rung=rung, rung_id=rung.id)
    db.session.commit()
    changed = client.get("/overview/", headers={**LIVE, "X-Stepladder-Version": version})
    assert changed.status_code == 200
    assert changed.headers["X-Stepladder-Version"] != version
    html = changed.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="live"')
    assert region_number(html, "Steps today") == 1
    assert "Opened the door" in html


def test_a_void_changes_the_version_too(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    auth.sign_in(w.supervisor)
    version = client.get("/overview/", headers=LIVE).headers["X-Stepladder-Version"]
    make_entry(w.person, w.supervisor, "void", amends_id=seen.id, reason="Wrong person")
    db.session.commit()
    after = client.get("/overview/", headers={**LIVE, "X-Stepladder-Version": version})
    assert after.status_code == 200
    assert region_number(after.get_data(as_text=True), "Contacts today") == 0


def test_a_late_commit_with_an_older_timestamp_still_changes_the_version(app, w):
    make_entry(w.person, w.worker, "seen", received_at=utcnow())
    db.session.commit()
    today = local_time.local_today()
    before = dashboard.dashboard_etag(w.org.id, today, "")
    # Committed after the read above, but stamped a moment earlier than the newest arrival.
    make_entry(w.person, w.worker, "seen", received_at=utcnow() - timedelta(seconds=2))
    db.session.commit()
    assert dashboard.dashboard_etag(w.org.id, today, "") != before


def test_poll_keeps_the_filters(client, auth, w):
    auth.sign_in(w.supervisor)
    html = client.get(f"/overview/?worker={w.worker.id}&outcome={w.outcome.id}").get_data(
        as_text=True
    )
    poll = re.search(r'<div id="live"[^>]*hx-get="([^"]+)"', html).group(1)
    assert f"worker={w.worker.id}" in poll and f"outcome={w.outcome.id}" in poll


def test_filter_from_another_organisation_is_refused_with_a_message(client, auth, w, day):
    auth.sign_in(w.supervisor)
    html = client.get(f"/overview/?worker={w.other_worker.id}&from=yesterday").get_data(
        as_text=True
    )
    assert "That worker was not found, so it is not applied." in html
    assert "is not a date" in html
    assert region_number(html, "Steps today") == 3


def test_steps_per_week_chart_counts_each_local_week(client, auth, w):
    rung = w.outcome.rungs[0]
    today = local_time.local_today()
    # Just now; and last week's Sunday and Monday (its last and first local days).
    for at in (
        utcnow() - timedelta(minutes=1),
        local_noon(today.weekday() + 1),
        local_noon(today.weekday() + 7),
    ):
        make_entry(w.person, w.worker, "step", rung=rung, rung_id=rung.id, at=at)
    db.session.commit()
    weeks = figures.Figures(w.org.id, today).steps_per_week(weeks=4)
    assert [n for _, n in weeks] == [0, 0, 2, 1]
    auth.sign_in(w.supervisor)
    html = client.get("/overview/").get_data(as_text=True)
    assert '<title id="steps-per-week-title">Steps per week</title>' in html
    assert "3 steps over 12 weeks" in html
    assert '<th scope="col">Week of</th>' in html


@pytest.mark.parametrize("role", ["worker", "funder"])
def test_only_office_staff_reach_the_dashboard(client, auth, w, role):
    user = w.worker if role == "worker" else make_user(w.org, "funder")
    db.session.commit()
    auth.sign_in(user)
    assert client.get("/overview/").status_code == 403
    assert client.get("/overview/", headers=LIVE).status_code == 403


def test_attention_region_polls_on_its_own(client, auth, w):
    make_entry(w.person, w.worker, "setback", outcome_id=w.outcome.id)
    db.session.commit()
    auth.sign_in(w.supervisor)
    headers = {"HX-Request": "true", "HX-Target": "attention"}
    first = client.get("/overview/", headers=headers)
    html = first.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="attention"')
    assert "Ada L." in html and 'aria-label="Steps today"' not in html
    version = first.headers["X-Stepladder-Version"]
    again = client.get("/overview/", headers={**headers, "X-Stepladder-Version": version})
    assert again.status_code == 204


def test_no_fragment_shows_another_organisations_data(client, auth, w, day):
    make_entry(w.person, w.worker, "setback", outcome_id=w.outcome.id)
    make_entry(
        w.other_person,
        w.other_worker,
        "setback",
        outcome_id=w.other_outcome.id,
        at=local_noon(0) + timedelta(minutes=30),
    )  # after their step in `day`
    db.session.commit()
    auth.sign_in(w.other_admin)
    attention = client.get("/overview/", headers={"HX-Request": "true", "HX-Target": "attention"})
    html = attention.get_data(as_text=True)
    assert "Cy N." in html  # their own setback is listed
    assert "Ada L." not in html and "Bo M." not in html and w.worker.name not in html
    for headers in ({}, LIVE):
        html = client.get("/overview/", headers=headers).get_data(as_text=True)
        for secret in (
            "Ada L.",
            "Bo M.",
            w.worker.name,
            w.colleague.name,
            "Doorstep support",
            "Getting out and about",
            "Opened the door",
        ):
            assert secret not in html
        assert region_number(html, "Steps today") == 1
        assert "Cy N." in html
    # Filtering by the first organisation's ids does not reveal anything either.
    html = client.get(
        f"/overview/?worker={w.worker.id}&activity={w.activity.id}&outcome={w.outcome.id}",
        headers=LIVE,
    ).get_data(as_text=True)
    assert "Ada L." not in html and w.worker.name not in html
    assert region_number(html, "Steps today") == 1


def test_dashboard_queries_do_not_grow_with_the_feed(client, auth, w, app):
    """The feed loads people, rungs, activities and workers with the entries (no N+1)."""
    from sqlalchemy import event

    auth.sign_in(w.supervisor)
    statements = []

    def count(*_args):
        statements.append(1)

    def run(n):
        for _ in range(n):
            make_entry(w.person, w.worker, "seen")
        db.session.commit()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            client.get("/overview/", headers=LIVE)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    assert run(1) == run(15)
    assert db.session.query(Entry).count() == 16


def test_the_attention_list_never_says_everyone_was_seen_of_someone_never_seen(client, auth, w):
    make_person(w.org, [w.worker], display_name="Added today, never seen")
    db.session.commit()
    auth.sign_in(w.supervisor)
    html = client.get("/overview/").get_data(as_text=True)
    assert "Everyone has been seen recently" not in html
    assert "No one has gone 14 days or more without being seen since they were added." in html


def test_the_worker_filter_offers_only_workers(client, auth, w):
    auth.sign_in(w.supervisor)
    html = client.get("/overview/").get_data(as_text=True)
    worker_select = html[
        html.index('id="f-worker"') : html.index("</select>", html.index('id="f-worker"'))
    ]
    assert w.worker.name in worker_select and w.colleague.name in worker_select
    assert w.supervisor.name not in worker_select and w.admin.name not in worker_select


def test_a_date_range_applies_to_the_cards(client, auth, w):
    make_entry(w.person, w.worker, "seen", at=local_noon(40))
    db.session.commit()
    auth.sign_in(w.supervisor)
    first = (local_time.local_today() - timedelta(days=45)).isoformat()
    last = (local_time.local_today() - timedelta(days=35)).isoformat()
    html = client.get(f"/overview/?from={first}&to={last}").get_data(as_text=True)
    assert 'aria-label="Steps today"' not in html
    card = re.search(r'aria-label="Contacts from [^"]+"><span class="number">(\d+)</span>', html)
    assert card and card.group(1) == "1"
