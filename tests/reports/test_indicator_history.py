"""An indicator's name and target can change without losing its history: the same indicator,
its figures still counted from the log, and what it was called and aimed at kept beside it."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Indicator, IndicatorChange


def _edit(client, auth, history, indicator, **fields):
    prefix = f"indicator-{indicator.id}"
    data = {f"{prefix}-{k}": v for k, v in fields.items()}
    data[f"{prefix}-csrf_token"] = auth.csrf(f"/reports/{history.funder.id}/edit")
    return client.post(f"/reports/{history.funder.id}/indicators/{indicator.id}", data=data)


def test_changing_a_target_keeps_the_indicator_and_its_history(client, auth, history):
    contacts = history.indicators["contacts"]
    auth.sign_in(history.admin)
    response = _edit(client, auth, history, contacts, label="Visits delivered", target="12")
    assert response.status_code == 303
    indicator = db.session.get(Indicator, contacts.id)
    assert (indicator.label, indicator.target) == ("Visits delivered", 12)
    [change] = db.session.scalars(select(IndicatorChange)).all()
    assert (change.old_label, change.old_target) == ("Contacts", 10)
    assert (change.new_label, change.new_target) == ("Visits delivered", 12)
    assert change.user_id == history.admin.id
    page = client.get(f"/reports/{history.funder.id}/edit").get_data(as_text=True)
    assert "“Contacts” (target 10) became “Visits delivered” (target 12)" in page
    report = client.get(f"/reports/{history.funder.id}?period=2025-Q2").get_data(as_text=True)
    assert "Visits delivered" in report and 'data-figure="7"' in report


def test_a_bad_target_is_refused_plainly_and_changes_nothing(client, auth, history):
    contacts = history.indicators["contacts"]
    auth.sign_in(history.admin)
    for target in ("-3", "NaN", "lots"):
        response = _edit(client, auth, history, contacts, label="Visits", target=target)
        assert response.status_code == 422
        assert "The indicator was not changed" in response.get_data(as_text=True)
    indicator = db.session.get(Indicator, contacts.id)
    assert (indicator.label, indicator.target) == ("Contacts", 10)
    assert db.session.scalar(select(func.count()).select_from(IndicatorChange)) == 0


def test_saving_without_a_change_adds_no_history(client, auth, history):
    contacts = history.indicators["contacts"]
    auth.sign_in(history.admin)
    assert _edit(client, auth, history, contacts, label="Contacts", target="10").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(IndicatorChange)) == 0


def test_another_funders_indicator_is_not_found(client, auth, history):
    auth.sign_in(history.other_admin)
    contacts = history.indicators["contacts"]
    response = client.post(
        f"/reports/{history.funder.id}/indicators/{contacts.id}",
        data={"csrf_token": auth.csrf("/reports/")},
    )
    assert response.status_code == 404
