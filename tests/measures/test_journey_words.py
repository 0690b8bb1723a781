"""My journey shows the person's measures over time in plain words, with no clinical band."""

from datetime import datetime

from app.extensions import db
from app.models import MeasureReading
from tests.fixtures.measures import make_reading, switch_on


def _dated(entry, when: datetime):
    entry.recorded_at = when


def test_my_journey_tells_the_scores_over_time_in_plain_words(client, auth, w):
    switch_on(w.org, "phq9")
    first = make_reading(w.person, w.worker, "phq9", 16)
    later = make_reading(w.person, w.worker, "phq9", 9)
    _dated(first, datetime(2026, 3, 10, 12))
    _dated(later, datetime(2026, 6, 10, 12))
    ons = make_reading(
        w.person, w.worker, "ons4", None,
        parts={"satisfaction": 4, "worthwhile": 6, "happiness": 5, "anxiety": 7},
    )  # fmt: skip
    _dated(ons, datetime(2026, 6, 11, 12))
    db.session.commit()
    auth.sign_in(w.worker)
    page = client.get(f"/people/{w.person.id}/journey").get_data(as_text=True)
    assert "Your answers: PHQ-9" in page
    assert "Your score: 16 in March 2026, then 9 in June 2026." in page
    assert "Now it is better than when you started." in page  # lower is better on PHQ-9
    assert "How satisfied you feel with life: 4 in June 2026." in page
    assert "Moderately severe" not in page and "Mild" not in page


def test_a_voided_reading_is_left_out_of_my_journey(client, auth, w):
    from tests.fixtures.factories import make_entry

    kept = make_reading(w.person, w.worker, "swemwbs", 18.59)
    gone = make_reading(w.person, w.worker, "swemwbs", 35.0)
    make_entry(w.person, w.worker, "void", amends_id=gone.id, reason="Wrong person")
    db.session.commit()
    assert db.session.get(MeasureReading, kept.id)
    auth.sign_in(w.worker)
    page = client.get(f"/people/{w.person.id}/journey").get_data(as_text=True)
    assert "18.59" in page and "35 in" not in page


def test_erasure_blanks_own_words_and_concern_notes_but_keeps_scores(app, w):
    from app.models import SafeguardingConcern
    from app.privacy.erasure import erase

    entry = make_reading(w.person, w.worker, "gbo", 6.0, parts={"goals": 6.0})
    reading = db.session.get(MeasureReading, entry.id)
    reading.wording = {"goal_1": "See my daughter Ada at Christmas"}
    db.session.add(
        SafeguardingConcern(
            organisation_id=w.org.id,
            person_id=w.person.id,
            raised_by_id=w.worker.id,
            note="Ada said her neighbour frightens her",
        )
    )
    db.session.commit()
    erase(w.person)
    db.session.commit()
    db.session.expire_all()
    reading = db.session.get(MeasureReading, entry.id)
    assert reading.wording == {} and reading.score == 6.0
    assert db.session.query(SafeguardingConcern).one().note == ""
