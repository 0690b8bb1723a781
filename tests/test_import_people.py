"""Importing people from CSV and Excel: map, preview, check every row, all-or-nothing."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.imports.pending import LIFETIME
from app.imports.reading import MAX_BYTES, ImportFileError, read_table
from app.models import PendingImport, Person
from app.models.clock import utcnow

GOOD = [
    ["Name", "Reference", "Key worker", "Consent date", "Stories", "Gender"],
    ["Dana P.", "NEW-1", "worker@riverside.example.org", "2025-03-31", "yes", "Woman"],
    ["Eli Q.", "NEW-2", "", "31/03/2025", "no", ""],
    [
        "Fay R.",
        "NEW-3",
        "worker@riverside.example.org; worker2@riverside.example.org",
        "",
        "",
        "Man",
    ],
]


@pytest.fixture(autouse=True)
def gender_answers(w):
    """The admin's list for gender, which GOOD's rows answer from (a field without a list
    takes no answer)."""
    w.org.demographic_options = {"gender": ["Woman", "Man"]}
    db.session.commit()


def as_csv(rows) -> bytes:
    return "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()


def as_xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_problems(response) -> dict:
    """The problems listed on the check page, by spreadsheet row number."""
    html = response.get_data(as_text=True)
    return dict(re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", html))


def people_count(org) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Person).where(Person.organisation_id == org.id)
    )


def upload(client, auth, data: bytes, name: str):
    token = auth.csrf("/people/import/")
    return client.post(
        "/people/import/",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def check(client, auth, location: str, confirm: bool, mapping: dict | None = None):
    page = client.get(location).get_data(as_text=True)
    chosen = dict(
        re.findall(
            r'name="(column-[^"]+)">\s*<option value="">[^<]*</option>(?:(?!</select>).)*?'
            r'<option value="(\d+)" selected',
            page,
            re.S,
        )
    )
    chosen.update(mapping or {})
    data = {"csrf_token": auth.csrf(location), **chosen}
    if confirm:
        data["confirm"] = "yes"
    return client.post(location, data=data)


@pytest.mark.parametrize(("name", "encode"), [("people.csv", as_csv), ("people.xlsx", as_xlsx)])
def test_a_good_file_imports_every_row(client, auth, w, name, encode):
    auth.sign_in(w.admin)
    before = people_count(w.org)
    response = upload(client, auth, encode(GOOD), name)
    assert response.status_code == 303
    location = response.headers["Location"]
    mapping_page = client.get(location).get_data(as_text=True)
    assert "Read 3 rows" in mapping_page and "Dana P." in mapping_page  # the preview
    checked = check(client, auth, location, confirm=False)
    assert "every row is ready to import" in checked.get_data(as_text=True)
    assert people_count(w.org) == before  # checking stores nothing
    done = check(client, auth, location, confirm=True)
    assert done.status_code == 303
    assert people_count(w.org) == before + 3
    dana = db.session.scalar(select(Person).where(Person.reference == "NEW-1"))
    assert dana.display_name == "Dana P." and dana.consent_scope == "records,stories"
    assert dana.consent_date.isoformat() == "2025-03-31" and dana.demographics == {
        "gender": "Woman"
    }
    assert [u.email for u in dana.key_workers] == ["worker@riverside.example.org"]
    fay = db.session.scalar(select(Person).where(Person.reference == "NEW-3"))
    assert len(fay.key_workers) == 2
    assert client.get(location).status_code == 404  # the pending file is gone


@pytest.mark.parametrize("name", ["people.csv", "people.xlsx"])
def test_one_bad_row_stores_nothing_and_is_reported(client, auth, w, name):
    rows = [
        *GOOD,
        ["", "NEW-4", "", "", "", ""],
        ["Gil S.", "RS-1", "", "", "", ""],
        ["Hal T.", "NEW-6", "nobody@example.org", "32/13/2025", "maybe", ""],
        ["Ida", "NEW-2", "", "", "", ""],
    ]
    auth.sign_in(w.admin)
    before = people_count(w.org)
    response = upload(client, auth, (as_csv if name.endswith("csv") else as_xlsx)(rows), name)
    result = check(client, auth, response.headers["Location"], confirm=True)
    html = result.get_data(as_text=True)
    assert result.status_code == 422
    assert people_count(w.org) == before
    problems = dict(re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", html))
    assert "name is missing" in problems["5"]
    assert "RS-1 already belongs" in problems["6"]
    assert (
        "nobody@example.org" in html and "is not a date" in html and "should be yes or no" in html
    )
    assert "also on row 3" in problems["8"]
    assert "nothing was imported" in html


def test_formula_looking_cells_are_refused(client, auth, w):
    rows = [
        GOOD[0],
        ['=HYPERLINK("http://evil")', "NEW-1", "", "", "", ""],
        ["Jo", "+44", "", "", "", ""],
    ]
    auth.sign_in(w.admin)
    before = people_count(w.org)
    response = upload(client, auth, as_xlsx(rows), "people.xlsx")
    html = check(client, auth, response.headers["Location"], confirm=True).get_data(as_text=True)
    assert people_count(w.org) == before
    assert html.count("looks like a formula") == 2


def test_a_missing_required_column_is_asked_for(client, auth, w):
    auth.sign_in(w.admin)
    response = upload(client, auth, as_csv([["Who", "Code"], ["Kim", "K-1"]]), "people.csv")
    html = check(client, auth, response.headers["Location"], confirm=True).get_data(as_text=True)
    assert "Choose the column that holds “Name”" in html
    done = check(
        client,
        auth,
        response.headers["Location"],
        confirm=True,
        mapping={"column-display_name": "0", "column-reference": "1"},
    )
    assert done.status_code == 303
    assert db.session.scalar(select(Person).where(Person.reference == "K-1")).display_name == "Kim"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"not a zip", "people.xlsx", "not a readable Excel"),
        (b"Name,Reference\n", "people.csv", "no people in it"),
        (b"Name\nA", "people.pdf", "Choose a .csv or .xlsx file"),
    ],
)
def test_malformed_or_huge_files_are_refused_plainly(client, auth, w, data, name, message):
    auth.sign_in(w.admin)
    response = upload(client, auth, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("chosen", [{}, {"file": (io.BytesIO(b""), "")}])
def test_an_upload_without_a_file_asks_for_one(client, auth, w, chosen):
    auth.sign_in(w.admin)
    response = client.post(
        "/people/import/",
        data={"csrf_token": auth.csrf("/people/import/"), **chosen},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Choose a file to import." in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(ImportFileError, match="larger than 5 MB"):
        read_table("people.csv", b"Name,Reference\n" + b"x" * MAX_BYTES)


def test_only_the_uploading_admin_can_use_a_pending_import(client, auth, w):
    auth.sign_in(w.admin)
    location = upload(client, auth, as_csv(GOOD), "people.csv").headers["Location"]
    client.post("/sign-out", data={"csrf_token": auth.csrf(location)})
    auth.sign_in(w.other_admin)
    assert client.get(location).status_code == 404


def test_workers_cannot_import(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get("/people/import/").status_code == 403


def test_key_workers_are_workers_as_on_the_person_form(client, auth, w):
    rows = [
        GOOD[0],
        ["Jo K.", "NEW-7", "supervisor@riverside.example.org", "", "", ""],
        ["Lu M.", "NEW-8", "admin@riverside.example.org", "", "", ""],
    ]
    auth.sign_in(w.admin)
    before = people_count(w.org)
    location = upload(client, auth, as_csv(rows), "people.csv").headers["Location"]
    result = check(client, auth, location, confirm=True)
    assert result.status_code == 422 and people_count(w.org) == before
    problems = row_problems(result)
    assert "No active worker has the email supervisor@riverside.example.org." in problems["2"]
    assert "No active worker has the email admin@riverside.example.org." in problems["3"]


def test_references_differ_by_case_in_the_import_as_in_set_up(client, auth, w):
    rows = [GOOD[0], ["Jo K.", "rs-1", "", "", "", ""], ["Lu M.", "Rs-1", "", "", "", ""]]
    auth.sign_in(w.admin)
    location = upload(client, auth, as_csv(rows), "people.csv").headers["Location"]
    assert check(client, auth, location, confirm=True).status_code == 303
    stored = db.session.scalars(
        select(Person.reference).where(Person.organisation_id == w.org.id)
    ).all()
    assert {"RS-1", "rs-1", "Rs-1"} <= set(stored)
    # The set-up form and the database key agree: only the exact reference is taken.
    path = "/setup/people/new"
    form = {"csrf_token": auth.csrf(path), "display_name": "Mo N.", "status": "active"}
    assert client.post(path, data={**form, "reference": "rS-1"}).status_code == 303
    refused = client.post(path, data={**form, "reference": "rs-1"})
    assert refused.status_code == 422
    assert "Another person already has the reference “rs-1”." in refused.get_data(as_text=True)


def test_a_reference_taken_while_importing_is_reported_on_its_row(client, auth, w, monkeypatch):
    from app.imports import people as importing

    real_check = importing.check
    calls = []

    def check_then_race(*args):
        checked = real_check(*args)
        if not calls:  # another admin adds NEW-2 between the check and the insert
            db.session.add(Person(organisation_id=w.org.id, display_name="Eve", reference="NEW-2"))
            db.session.commit()
        calls.append(1)
        return checked

    monkeypatch.setattr(importing, "check", check_then_race)
    auth.sign_in(w.admin)
    before = people_count(w.org)
    location = upload(client, auth, as_csv(GOOD), "people.csv").headers["Location"]
    result = check(client, auth, location, confirm=True)
    assert result.status_code == 422
    assert people_count(w.org) == before + 1  # only the other admin's person
    problems = row_problems(result)
    assert problems == {"3": "Reference NEW-2 already belongs to someone in Stepladder."}
    assert client.get(location).status_code == 200  # the file is kept to fix and try again


def test_expired_pending_imports_are_removed_when_any_import_is_opened(client, auth, w):
    auth.sign_in(w.admin)
    location = upload(client, auth, as_csv(GOOD), "people.csv").headers["Location"]
    stale = PendingImport(
        token="stale",
        organisation_id=w.other.id,
        user_id=w.other_admin.id,
        filename="old.csv",
        headers=["Name"],
        rows=[["Old Name"]],
        created_at=utcnow() - LIFETIME - timedelta(hours=1),
    )
    db.session.add(stale)
    db.session.commit()
    assert client.get(location).status_code == 200
    assert db.session.get(PendingImport, "stale") is None


def test_the_import_sets_each_persons_outcomes(client, auth, w):
    from tests.fixtures.factories import make_outcome

    connecting = make_outcome(w.org, "Connecting with people")
    db.session.commit()
    outdoors = w.outcome.name
    rows = [
        ["Name", "Reference", "Key worker", "Outcomes"],
        ["Jo U.", "NEW-10", "worker@riverside.example.org", f"{outdoors}; connecting with people"],
        ["Kit V.", "NEW-11", "", ""],
    ]
    auth.sign_in(w.admin)
    response = upload(client, auth, as_csv(rows), "people.csv")
    assert check(client, auth, response.headers["Location"], confirm=True).status_code == 303
    jo = db.session.scalar(select(Person).where(Person.reference == "NEW-10"))
    assert {p.outcome_id for p in jo.plans} == {w.outcome.id, connecting.id}
    kit = db.session.scalar(select(Person).where(Person.reference == "NEW-11"))
    assert kit.plans == []


def test_an_unknown_outcome_is_reported_on_its_row_and_nothing_is_stored(client, auth, w):
    rows = [["Name", "Reference", "Outcomes"], ["Lu W.", "NEW-12", "Flying a kite"]]
    auth.sign_in(w.admin)
    before = people_count(w.org)
    response = upload(client, auth, as_csv(rows), "people.csv")
    result = check(client, auth, response.headers["Location"], confirm=True)
    assert result.status_code == 422
    assert "No outcome in use is called “Flying a kite”." in row_problems(result)["2"]
    assert people_count(w.org) == before


def test_a_demographic_field_with_a_list_takes_only_its_answers(client, auth, w):
    """As on the person form: a field with the admin's list of answers is chosen from it (in
    any case, stored as the list spells it); anything else is reported on its row."""
    w.org.demographic_options = {"gender": ["Woman", "Man", "Non-binary", "Prefer not to say"]}
    db.session.commit()
    rows = [
        GOOD[0],
        ["Dana P.", "NEW-1", "", "", "", "woman"],
        ["Eli Q.", "NEW-2", "", "", "", "W"],
    ]
    auth.sign_in(w.admin)
    before = people_count(w.org)
    location = upload(client, auth, as_csv(rows), "people.csv").headers["Location"]
    refused = check(client, auth, location, confirm=True)
    assert refused.status_code == 422
    assert people_count(w.org) == before
    assert row_problems(refused)["3"] == (
        "“W” is not one of the answers for Gender: Woman, Man, Non-binary, Prefer not to say."
    )
    rows[2][5] = ""
    location = upload(client, auth, as_csv(rows), "people.csv").headers["Location"]
    assert check(client, auth, location, confirm=True).status_code == 303
    dana = db.session.scalar(select(Person).where(Person.reference == "NEW-1"))
    assert dana.demographics == {"gender": "Woman"}


def test_a_demographic_field_without_a_list_takes_no_answer(client, auth, w):
    """Gender has no list of answers yet: a file that fills it is refused, row by row, with
    nothing stored, as the person form refuses a typed answer."""
    w.org.demographic_options = {}
    db.session.commit()
    auth.sign_in(w.admin)
    before = people_count(w.org)
    location = upload(client, auth, as_csv(GOOD), "people.csv").headers["Location"]
    refused = check(client, auth, location, confirm=True)
    assert refused.status_code == 422
    assert people_count(w.org) == before
    assert "Gender has no answers to choose from yet" in row_problems(refused)["2"]
