"""The guided first set-up: a new organisation from empty to a worker who records a step."""

import re
import uuid

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Entry, Organisation, Outcome, Person, User
from tests.fixtures.web import Admin, Auth

ADMIN_EMAIL = "lee@northside.example.org"
ADMIN_PASSWORD = "river stones and moss"
WORKER_PASSWORD = "lantern kettle orchard"


def _progress(page: str) -> list[tuple[str, bool]]:
    """The guide's progress list: each step's title and whether it is marked done."""
    nav = page.split('aria-label="Set-up steps"', 1)[1].split("</nav>", 1)[0]
    items = re.findall(r'<li class="(done|todo)">.*?<span>([^<]+)</span>', nav, re.S)
    return [(title, state == "done") for state, title in items]


def test_guided_set_up_walks_a_new_organisation_to_a_worker_recording_a_step(app, runner):
    result = runner.invoke(
        args=["create-organisation", "Northside Outreach", "--admin-email", ADMIN_EMAIL],
        env={"STEPLADDER_ADMIN_PASSWORD": ADMIN_PASSWORD},
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Northside Outreach"))
    assert not org.setup_done

    client = app.test_client()
    signed_in = Auth(client).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert signed_in.headers["Location"].endswith("/")
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Set up Northside Outreach" in home
    assert _progress(home) == [
        ("What the service does", False),
        ("The outcomes that matter", False),
        ("How they link", False),
        ("Staff", False),
        ("Funders", False),
        ("Who it does it with", False),
    ]
    admin = Admin(client, Auth(client))

    # 1. What the service does: the template's activities, one renamed, one removed.
    page = admin.text("/setup/activities")
    assert "step 1 of 6" in page and "Skip this step: The outcomes that matter" in page
    admin.post(
        "/setup/activities/starter",
        {
            "keep_0": "y",
            "name_0": "Doorstep support",
            "keep_1": "y",
            "name_1": "Travel training",
            "name_2": "Drop-in group",
            "keep_3": "y",
            "name_3": "One-to-one",
        },
    )
    activities = db.session.scalars(
        select(Activity.name).where(Activity.organisation_id == org.id).order_by(Activity.position)
    ).all()
    assert activities == ["Doorstep support", "Travel training", "One-to-one"]
    assert "Next: The outcomes that matter" in admin.text("/setup/activities")

    # 2. The outcomes that matter: the library, pre-ticked; take two of them.
    page = admin.text("/setup/outcomes")
    assert len(re.findall(r'name="outcomes"[^>]*checked|checked[^>]*name="outcomes"', page)) == 5
    chosen = ["Getting out and about", "Looking after myself"]
    admin.post("/setup/outcomes/library", {"outcomes": chosen})
    outcome = db.session.scalar(
        select(Outcome).where(Outcome.organisation_id == org.id, Outcome.name == chosen[0])
    )
    assert [r.text for r in outcome.rungs][:2] == ["Opened the door", "Left home with support"]

    # 3. How they link: prefilled from the template, the renamed activity included ("1:1
    # session" serves "Looking after myself" in the template; renaming it keeps that).
    page = admin.text("/setup/links")
    org_activities = select(Activity).where(Activity.organisation_id == org.id)
    travel = db.session.scalar(org_activities.where(Activity.name == "Travel training"))
    assert re.search(rf'value="{travel.id}-{outcome.id}"[^>]*checked', page)
    one_to_one = db.session.scalar(org_activities.where(Activity.name == "One-to-one"))
    looking_after = db.session.scalar(
        select(Outcome).where(Outcome.organisation_id == org.id, Outcome.name == chosen[1])
    )
    assert re.search(rf'value="{one_to_one.id}-{looking_after.id}"[^>]*checked', page)
    ticks = re.findall(r'value="(\d+-\d+)"[^>]*checked', page) + [f"{one_to_one.id}-{outcome.id}"]
    assert admin.post("/setup/links", {"links": ticks}).status_code == 303

    # 4. Staff: a worker.
    admin.post(
        "/setup/staff",
        {
            "name": "Sky Worker",
            "email": "sky@northside.example.org",
            "role": "worker",
            "password": WORKER_PASSWORD,
        },
    )
    worker = db.session.scalar(select(User).where(User.email == "sky@northside.example.org"))
    assert worker.organisation_id == org.id

    # 6. Who it does it with, last: the person is given their key worker and an outcome in
    # their own words as they are added, because both exist by now.
    page = admin.text("/setup/people")
    if "imports.index" in app.view_functions:
        assert "Import them from a spreadsheet" in page
    assert (
        admin.post(
            "/setup/people/new",
            {
                "display_name": "Mo T.",
                "reference": "NS-1",
                "status": "active",
                "key_workers": [str(worker.id)],
                "outcomes": [str(outcome.id)],
                f"words_{outcome.id}": "Get to the shops on my own",
            },
        ).status_code
        == 303
    )
    person = db.session.scalar(select(Person).where(Person.organisation_id == org.id))
    page = admin.text("/setup/staff")
    assert _progress(page) == [
        ("What the service does", True),
        ("The outcomes that matter", True),
        ("How they link", True),
        ("Staff", True),
        ("Funders", False),
        ("Who it does it with", True),
    ]
    finished = admin.post("/setup/finish")
    assert finished.status_code == 303
    assert db.session.get(Organisation, org.id).setup_done
    overview = admin.text("/setup/")
    assert "Set-up steps" not in overview and "Organisation settings" in overview

    # The worker signs in and records a step on the person's new ladder.
    phone = app.test_client()
    Auth(phone).sign_in("sky@northside.example.org", WORKER_PASSWORD)
    my_people = phone.get("/people").get_data(as_text=True)
    assert "Mo T." in my_people
    page = phone.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Get to the shops on my own" in page and "One-to-one" in page
    first_rung = outcome.rungs[0]
    entry_id = uuid.uuid4()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = phone.post(
        f"/people/{person.id}/entries",
        data={
            "csrf_token": token,
            "id": str(entry_id),
            "action": f"step:{first_rung.id}",
            "activity": str(travel.id),
        },
    )
    assert response.status_code == 303
    entry = db.session.get(Entry, entry_id)
    assert (entry.kind, entry.rung_id, entry.activity_id, entry.worker_id) == (
        "step",
        first_rung.id,
        travel.id,
        worker.id,
    )


def test_every_step_can_be_skipped_and_set_up_finished_from_the_start(newcomer):
    page = newcomer.text("/setup/")
    assert "Start: What the service does" in page
    for path, following in [
        ("/setup/activities", "The outcomes that matter"),
        ("/setup/outcomes", "How they link"),
        ("/setup/links", "Staff"),
        ("/setup/staff", "Funders"),
        ("/reports/", "Who it does it with"),
    ]:
        assert f"Skip this step: {following}" in newcomer.text(path)
    assert newcomer.post("/setup/finish").status_code == 303
    assert db.session.get(Organisation, newcomer.org.id).setup_done


def test_the_guide_links_to_a_spreadsheet_import_only_when_there_is_one(newcomer, app):
    page = newcomer.text("/setup/")
    if "imports.index" in app.view_functions:
        with app.test_request_context():
            link = url_for("imports.index")
        assert f'<a href="{link}">import people from a spreadsheet</a>' in page
    else:
        assert "Importing people from a spreadsheet is coming" in page
        assert "/setup/import" not in page


def test_a_finished_organisation_sees_the_overview_not_the_guide(admin, w):
    page = admin.text("/setup/")
    assert "Set-up steps" not in page
    for link in (
        "/setup/activities",
        "/setup/people",
        "/setup/outcomes",
        "/setup/links",
        "/setup/staff",
        "/setup/organisation",
    ):
        assert f'href="{link}"' in page
    assert "Skip this step" not in admin.text("/setup/activities")
