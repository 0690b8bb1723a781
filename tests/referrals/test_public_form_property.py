"""The public referral form under arbitrary input: never a 500, never half a referral.

Each example posts a form of arbitrary text (control characters, huge strings, unknown
sources, missing consent). Either the answer is 200 with a reference and exactly one new
referral holding exactly what was sent (trimmed), or it is 413/422 and nothing at all was
stored. Derandomised, so every run tries the same examples.
"""

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.extensions import db
from app.models import Attempt, Referral
from tests.fixtures.rows import all_row_counts
from tests.fixtures.web import csrf_from

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.just(""),
    st.just(" " * 5),
    st.text(min_size=3000, max_size=5000),
)
FIELDS = (
    "name",
    "contact",
    "contact_preference",
    "language",
    "reason",
    "referrer_name",
    "referrer_organisation",
    "referrer_role",
    "referrer_email",
    "referrer_phone",
)


GOOD = {
    "name": "Dee Q.",
    "contact": " 07700 900123 ",
    "contact_preference": "Text first",
    "language": "Welsh",
    "reason": "Has not left the house\nsince spring.",
    "referrer_name": "Dr Rana",
    "referrer_organisation": "Riverside Surgery",
    "referrer_role": "GP",
    "referrer_email": "Dr.Rana@surgery.example.org",
    "referrer_phone": "0161 496 0000",
}


@st.composite
def forms(draw):
    """A good referral with a few fields (or, now and then, all of them) made arbitrary."""
    broken = draw(st.one_of(st.sets(st.sampled_from(FIELDS), max_size=3), st.just(set(FIELDS))))
    return {name: draw(text) if name in broken else GOOD[name] for name in FIELDS}


@SETTINGS
@given(
    values=forms(),
    source=st.one_of(st.sampled_from(["self", "gp", "cmht", "other"]), st.text(max_size=10)),
    consent=st.sampled_from(["y", "y", "", "on"]),
    website=st.sampled_from(["", "", "", "http://spam.example"]),
)
def test_the_public_form_with_anything(client, w, open_form, values, source, consent, website):
    # Each example is a fresh visitor: the earlier examples' attempts are not theirs.
    db.session.execute(delete(Attempt))
    db.session.commit()
    token = csrf_from(client.get(open_form).get_data(as_text=True))
    before = all_row_counts(skip=("audit_event", "user_session", "attempt"))
    stored = set(db.session.scalars(select(Referral.id)))
    response = client.post(
        open_form,
        data={
            **values,
            "source": source,
            "consent": consent,
            "website": website,
            "csrf_token": token,
        },
    )
    assert response.status_code in (200, 413, 422), response.status_code
    event(f"answered {response.status_code}{' (honeypot)' if website else ''}")
    after = all_row_counts(skip=("audit_event", "user_session", "attempt"))
    new = [r for r in db.session.scalars(select(Referral)) if r.id not in stored]
    if response.status_code == 200 and not website:
        [referral] = new
        assert referral.reference in response.get_data(as_text=True)
        assert after == {**before, "referral": before["referral"] + 1}
        for name in FIELDS:
            sent = values[name].strip()
            kept = getattr(referral, name)
            assert kept == (sent.lower() if name == "referrer_email" else sent), name
        assert referral.source == source and referral.consent
        assert referral.organisation_id == w.org.id
    else:
        assert new == [] and after == before
