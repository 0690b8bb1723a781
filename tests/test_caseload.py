"""My people and a person's page, as a worker sees them."""

from datetime import timedelta

from app.extensions import db
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry, make_person


def test_my_people_lists_only_my_caseload_most_recently_seen_first(client, auth, w):
    never = make_person(w.org, [w.worker], display_name="Never Seen")
    long_ago = make_person(w.org, [w.worker], display_name="Long Ago")
    make_entry(long_ago, w.worker, "seen", at=utcnow() - timedelta(days=30))
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(hours=2))
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get("/people").get_data(as_text=True)
    assert 'aria-label="My people"' in html
    order = [html.index(name) for name in ("Ada L.", "Long Ago", "Never Seen")]
    assert order == sorted(order)
    assert "Bo M." not in html  # a colleague's person
    assert "Cy N." not in html  # another organisation's person
    assert never.reference in html


def test_a_voided_visit_does_not_count_as_seen(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(hours=1))
    make_entry(w.person, w.worker, "void", amends_id=seen.id, reason="Wrong person")
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get("/people").get_data(as_text=True)
    assert "not seen yet" in html


def test_search_finds_people_by_name_or_reference(client, auth, w):
    make_person(w.org, [w.worker], display_name="Zed Q.", reference="RS-77")
    db.session.commit()
    auth.sign_in(w.worker)
    by_name = client.get("/people?q=zed").get_data(as_text=True)
    assert "Zed Q." in by_name and "Ada L." not in by_name
    by_ref = client.get(
        "/people?q=rs-1", headers={"HX-Request": "true", "HX-Target": "people-list"}
    )
    fragment = by_ref.get_data(as_text=True)
    assert "Ada L." in fragment and "Zed Q." not in fragment
    assert "<html" not in fragment
    assert "No one matches" in client.get("/people?q=nobody").get_data(as_text=True)


def test_a_worker_cannot_open_a_colleagues_person(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get(f"/people/{w.person2.id}").status_code == 404
    assert client.get(f"/people/{w.person.id}").status_code == 200


def test_workers_can_find_anyone_when_the_organisation_allows_it(client, auth, w):
    w.org.workers_see_everyone = True
    db.session.commit()
    auth.sign_in(w.worker)
    assert client.get(f"/people/{w.person2.id}").status_code == 200
    assert client.get(f"/people/{w.other_person.id}").status_code == 404


def test_the_person_page_marks_the_current_rung_and_offers_the_next(client, auth, w):
    first, second, third = w.outcome.rungs
    make_entry(
        w.person,
        w.worker,
        "step",
        rung=first,
        rung_id=first.id,
        at=utcnow() - timedelta(days=9),
    )
    make_entry(
        w.person,
        w.worker,
        "step",
        rung=second,
        rung_id=second.id,
        at=utcnow() - timedelta(days=2),
    )
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    current = html[html.index(f'value="step:{second.id}"') :]
    assert current.index("Current step") < current.index("</button>")
    upcoming = html[html.index(f'value="step:{third.id}"') :]
    assert upcoming.index("Next step") < upcoming.index("</button>")
    assert 'value="seen"' in html and f'value="setback:{w.outcome.id}"' in html
    assert "Cache-Control" in client.get(f"/people/{w.person.id}").headers


def test_a_correction_moves_the_current_rung(client, auth, w):
    first, second, _ = w.outcome.rungs
    wrong = make_entry(w.person, w.worker, "step", rung=second, rung_id=second.id)
    make_entry(
        w.person,
        w.worker,
        "step",
        rung=first,
        rung_id=first.id,
        amends_id=wrong.id,
        reason="Was the first",
    )
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    current = html[html.index(f'value="step:{first.id}"') :]
    assert current.index("Current step") < current.index("</button>")
    assert "corrected" in html


def test_personal_pages_are_not_stored_by_browsers_or_proxies(client, auth, w):
    auth.sign_in(w.worker)
    for path in ("/people", f"/people/{w.person.id}"):
        assert client.get(path).headers["Cache-Control"] == "no-store"


def test_office_staff_find_the_full_journey_from_the_person_page(client, auth, w):
    auth.sign_in(w.supervisor)
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert f'href="/journey/{w.person.id}"' in html
    assert client.get(f"/journey/{w.person.id}").status_code == 200


def test_workers_are_not_offered_the_supervisors_journey(client, auth, w):
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert "/journey/" not in html.replace(f"/people/{w.person.id}/journey", "")


def test_an_undone_visit_does_not_make_the_person_page_say_seen_today(client, auth, w):
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(days=3))
    mistaken = make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(minutes=5))
    make_entry(w.person, w.worker, "void", amends_id=mistaken.id, reason="Wrong person")
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert "last seen 3 days ago" in html


def test_a_worker_reaches_their_account_from_my_people(client, auth, w):
    auth.sign_in(w.worker)
    html = client.get("/people").get_data(as_text=True)
    assert 'href="/account/"' in html
    assert "change" in client.get("/account/").get_data(as_text=True).lower()


def _folded(html: str) -> list[str]:
    """The names of the ladders folded away as finished on a person's page."""
    import re

    return re.findall(r'<details class="finished-ladder">\s*<summary>([^:<]+): top step', html)


def test_a_finished_ladder_folds_below_the_ladders_still_being_climbed(client, auth, w):
    from tests.fixtures.factories import make_outcome

    connecting = make_outcome(w.org, "Connecting with people")
    person = make_person(w.org, [w.worker], [w.outcome, connecting], display_name="Fi R.")
    make_entry(person, w.worker, "step", rung=w.outcome.rungs[-1])
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert _folded(html) == [w.outcome.name]
    # The ladder still being climbed comes first, open, before the folded one.
    assert html.index(f'id="outcome-{connecting.id}"') < html.index("finished-ladder")


def test_when_every_ladder_is_finished_none_is_folded(client, auth, w):
    person = make_person(w.org, [w.worker], [w.outcome], display_name="Gus T.")
    make_entry(person, w.worker, "step", rung=w.outcome.rungs[-1])
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert _folded(html) == [] and f'id="outcome-{w.outcome.id}"' in html


def test_an_undone_entry_leaves_one_quiet_line_on_the_persons_page(client, auth, w):
    step = make_entry(w.person, w.worker, "step", rung=w.outcome.rungs[0])
    make_entry(w.person, w.worker, "void", amends_id=step.id, reason="Undone straight away")
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    recent = html[html.index('id="timeline-heading"') :]
    assert recent.count("<li ") == 1 and f"<del>{w.outcome.rungs[0].text}</del>" in recent
    assert "Removed an entry" not in recent
