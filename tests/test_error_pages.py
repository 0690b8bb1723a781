"""The app's own error pages: its layout, the reason in words and a way back, for 403, 404,
405 and 500; JSON for the offline queue; the export's own page when its dates are missing."""

import pytest

from app import errors


def test_an_unknown_address_gets_the_apps_404_page(client, auth, w):
    auth.sign_in(w.worker)
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<h1 id="error-heading">Page not found</h1>' in html
    assert 'aria-label="Main"' in html and "Back to the start" in html


def test_a_wrong_role_gets_the_apps_403_page(client, auth, w):
    auth.sign_in(w.worker)
    response = client.get("/overview/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_a_get_of_a_post_only_address_gets_the_apps_405_page(client, auth, w):
    auth.sign_in(w.admin)
    response = client.get("/setup/finish")
    assert response.status_code == 405
    assert "That page cannot be opened this way" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def test_signed_out_visitors_are_offered_the_sign_in(client):
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "Page not found" in html and 'href="/sign-in"' in html


def test_the_offline_queue_hears_json(client, auth, w):
    auth.sign_in(w.worker)
    response = client.get("/no-such-page", headers={"X-Stepladder-Replay": "1"})
    assert response.status_code == 404 and "error" in response.get_json()


def test_an_htmx_request_for_part_of_a_page_gets_the_message_alone(client, auth, w):
    auth.sign_in(w.worker)
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "<html" not in html


def test_an_unexpected_error_is_the_apps_500_page(app, w):
    with app.test_request_context("/people"):
        body, status, _ = errors.handle_unexpected(RuntimeError("boom"))
    assert status == 500 and "Something went wrong on our side" in body and "boom" not in body


@pytest.mark.parametrize("query", ["", "?from=2026-01-01", "?from=nonsense&to=2026-01-31"])
def test_the_export_without_good_dates_is_its_own_page(client, auth, w, query):
    auth.sign_in(w.supervisor)
    response = client.get(f"/export/entries.csv{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<h1>Export entries</h1>" in html and 'role="alert"' in html
    assert 'name="from"' in html and 'name="to"' in html


def test_a_boosted_form_error_keeps_the_form_pages_address(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/setup/")
    response = client.post(
        f"/setup/outcomes/{w.outcome.id}/rungs",
        data={"csrf_token": token, "text": ""},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert response.status_code == 422
    assert response.headers["HX-Push-Url"] == "false"
