"""A risk answer bumps the dashboard's version and shows in its live region."""

from tests.fixtures.measures import answers_form
from tests.fixtures.web import Auth

LIVE = {"HX-Request": "true", "HX-Target": "live"}


def test_a_risk_answer_changes_the_live_region_and_lists_the_person(app, client, auth, w, on):
    auth.sign_in(w.supervisor)
    before = client.get("/overview/", headers=LIVE)
    version = before.headers["X-Stepladder-Version"]
    assert "No risk answers in the last 14 days." in before.get_data(as_text=True)
    phone = app.test_client()
    Auth(phone).sign_in(w.worker)
    token = Auth(phone).csrf(f"/people/{w.person.id}/measures/phq9")
    phone.post(
        f"/people/{w.person.id}/measures/phq9",
        data=answers_form("phq9", [0] * 8 + [2], token),
    )
    after = client.get("/overview/", headers=LIVE | {"X-Stepladder-Version": version})
    assert after.status_code == 200
    risks = after.get_data(as_text=True).split('id="risk-heading"')[1].split("</section>")[0]
    assert "Ada L." in risks and "PHQ-9" in risks


def test_an_answer_without_risk_lists_no_one(app, client, auth, w, on):
    phone = app.test_client()
    Auth(phone).sign_in(w.worker)
    token = Auth(phone).csrf(f"/people/{w.person.id}/measures/phq9")
    phone.post(
        f"/people/{w.person.id}/measures/phq9", data=answers_form("phq9", [3] * 8 + [0], token)
    )
    auth.sign_in(w.supervisor)
    page = client.get("/overview/", headers=LIVE).get_data(as_text=True)
    assert "No risk answers in the last 14 days." in page
