"""People lists that help: ordered by not seen longest, filtered by days unseen, ladder, key
worker and status; a filter that cannot be used says so instead of silently showing nothing."""

import re
from datetime import timedelta

from app.extensions import db
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry, make_outcome, make_person


def _names(html: str) -> list[str]:
    """The people listed, in order."""
    return re.findall(r'<span class="name">([^<]+)</span>', html)


def test_my_people_can_be_ordered_by_not_seen_longest(client, auth, w):
    make_person(w.org, [w.worker], display_name="Never Seen")
    long_ago = make_person(w.org, [w.worker], display_name="Long Ago")
    make_entry(long_ago, w.worker, "seen", at=utcnow() - timedelta(days=30))
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(hours=2))
    db.session.commit()
    auth.sign_in(w.worker)
    assert _names(client.get("/people").get_data(as_text=True)) == [
        "Ada L.",
        "Long Ago",
        "Never Seen",
    ]
    assert _names(client.get("/people?order=longest").get_data(as_text=True)) == [
        "Never Seen",
        "Long Ago",
        "Ada L.",
    ]


def test_not_seen_for_n_days_counts_the_never_seen_as_not_seen(client, auth, w):
    make_person(w.org, [w.worker], display_name="Never Seen")
    long_ago = make_person(w.org, [w.worker], display_name="Long Ago")
    make_entry(long_ago, w.worker, "seen", at=utcnow() - timedelta(days=30))
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(days=2))
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get("/people?seen=14").get_data(as_text=True)
    assert _names(html) == ["Long Ago", "Never Seen"]


def test_office_filters_by_key_worker_ladder_and_status(client, auth, w):
    other_ladder = make_outcome(w.org, "Connecting with people")
    make_person(w.org, [w.colleague], [other_ladder], display_name="Di P.")
    make_person(w.org, [w.worker], display_name="Ed Q.", status="closed")
    db.session.commit()
    auth.sign_in(w.supervisor)
    everyone = _names(client.get("/people").get_data(as_text=True))
    assert set(everyone) == {"Ada L.", "Bo M.", "Di P."}  # active people only, by default
    by_worker = client.get(f"/people?worker={w.colleague.id}").get_data(as_text=True)
    assert set(_names(by_worker)) == {"Bo M.", "Di P."}
    by_ladder = client.get(f"/people?outcome={other_ladder.id}").get_data(as_text=True)
    assert _names(by_ladder) == ["Di P."]
    closed = client.get("/people?status=closed").get_data(as_text=True)
    assert _names(closed) == ["Ed Q."]
    assert "Ed Q." in client.get("/people?status=all").get_data(as_text=True)


def test_a_worker_cannot_widen_their_list_with_office_filters(client, auth, w):
    make_person(w.org, [w.worker], display_name="Ed Q.", status="closed")
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people?worker={w.colleague.id}&status=all").get_data(as_text=True)
    assert _names(html) == ["Ada L."]


def test_filters_that_cannot_be_used_say_so(client, auth, w):
    auth.sign_in(w.supervisor)
    other_org_ladder = w.other_outcome.id
    html = client.get(f"/people?outcome={other_org_ladder}&seen=soon&order=x").get_data(
        as_text=True
    )
    assert "That ladder was not found, so it is not applied." in html
    assert "“soon” is not a number of days" in html
    assert "That order is not one of the choices" in html
    assert set(_names(html)) == {"Ada L.", "Bo M."}


def test_the_more_filters_choices_are_drawn_when_asked_for(client, auth, w):
    auth.sign_in(w.supervisor)
    assert 'id="p-worker"' not in client.get("/people").get_data(as_text=True)
    chosen = client.get("/people?choose=1").get_data(as_text=True)
    assert 'id="p-worker"' in chosen and 'id="p-outcome"' in chosen
    assert w.colleague.name in chosen
