"""Arbitrary spreadsheets and template files into the imports: every row imported exactly,
or nothing at all with each problem listed by its row; never a 500, never half a write."""

import csv
import io
import json
import re
from datetime import date, datetime

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select

from app.csv_cells import FORMULA_STARTS
from app.extensions import db
from app.imports.people import MAX_NAME, MAX_REFERENCE
from app.models import Outcome, Person
from tests.fixtures.rows import all_row_counts

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = ["Name", "Reference", "Key worker", "Consent date", "Stories"]
KNOWN = ["worker@riverside.example.org", "WORKER2@riverside.example.org "]
cell_text = st.text(max_size=40)


def mostly(good, bad):
    """Usually a cell the import should accept, sometimes one it should not."""
    return st.sampled_from([True, True, True, True, False]).flatmap(lambda ok: good if ok else bad)


plain = st.from_regex(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ .'0-9]{0,30}", fullmatch=True)
formulas = st.sampled_from(["=1+1", "+44 7700", "-5", "@SUM(A1)", '=HYPERLINK("x")', "\tx"])
names = mostly(
    plain | st.sampled_from([" Eli Q. ", "Zoë Ø"]),
    st.one_of(cell_text, formulas, st.just(""), st.text(min_size=119, max_size=122)),
)
references = mostly(
    st.uuids().map(lambda u: u.hex[:10]) | st.sampled_from(["NEW-1", " NEW-2 "]),
    st.one_of(cell_text, formulas, st.sampled_from(["new-1", "RS-1", "rs-2", "HT-1", ""])),
)
emails = mostly(
    st.one_of(
        st.just(""),
        st.sampled_from(KNOWN),
        st.lists(st.sampled_from(KNOWN), min_size=2, max_size=2).map("; ".join),
    ),
    st.one_of(
        st.sampled_from(["nobody@riverside.example.org", "worker@hilltop.example.org"]),
        cell_text,
    ),
)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1))
consent = mostly(
    st.one_of(st.just(""), days.map(str), days.map(lambda d: d.strftime("%d/%m/%Y"))),
    st.one_of(cell_text, st.sampled_from(["31/02/2025", "2025-13-01", "=TODAY()"])),
)
stories = mostly(
    st.sampled_from(["", "yes", "No", "Y", "true", "0"]), st.one_of(cell_text, st.just("maybe"))
)
rows = st.lists(
    st.one_of(
        st.tuples(names, references, emails, consent, stories).map(list),
        st.just(["", "", "", "", ""]),  # an empty row, skipped
    ),
    min_size=1,
    max_size=6,
)


def as_csv(table) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode()


def as_xlsx(table) -> bytes:
    book = Workbook()
    for row in table:
        book.active.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: str):
    """A cell as a spreadsheet would hold it: real dates and numbers where the text is one."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    if re.fullmatch(r"[1-9]\d{0,8}", value):
        return int(value)
    return value


def read_back(value: str) -> str:
    """What the importer reads from a cell written by `_xlsx_cell`."""
    cell = _xlsx_cell(value)
    return cell.date().isoformat() if isinstance(cell, datetime) else str(cell)


def sign_in(client, auth, w):
    if not client.get_cookie("session"):
        auth.sign_in(w.admin)
        client.token = auth.csrf("/people/import/")


def upload(client, data: bytes, filename: str):
    response = client.post(
        "/people/import/",
        data={"csrf_token": client.token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    return response


def org_people(w) -> dict:
    people = db.session.scalars(select(Person).where(Person.organisation_id == w.org.id))
    return {p.reference: p for p in people}


@SETTINGS
@given(table=rows, fmt=st.sampled_from(["csv", "xlsx"]), filename=st.text(max_size=300))
def test_people_import_with_anything(client, auth, w, table, fmt, filename):
    sign_in(client, auth, w)
    if fmt == "xlsx":
        table = [[read_back(value) for value in row] for row in table]
    body = as_csv([HEADERS, *table]) if fmt == "csv" else as_xlsx([HEADERS, *table])
    before, people_before = all_row_counts(), org_people(w)
    response = upload(client, body, f"{filename}.{fmt}")
    assert response.status_code in (303, 400, 422), response.status_code
    if response.status_code != 303:
        assert all_row_counts() == before
        return
    location = response.headers["Location"]
    page = client.get(location)
    assert page.status_code == 200
    mapping = {
        f"column-{key}": str(i)
        for i, key in enumerate(
            ["display_name", "reference", "key_workers", "consent_date", "stories"]
        )
    }
    response = client.post(location, data={"csrf_token": client.token, "confirm": "yes", **mapping})
    event(f"import answered {response.status_code}")
    assert response.status_code in (303, 422), response.status_code
    kept = [row for row in table if any(cell.strip() for cell in row)]
    after = all_row_counts(skip=("audit_event", "user_session", "pending_import"))
    if response.status_code == 422:
        html = response.get_data(as_text=True)
        assert "nothing was imported" in html
        listed = {int(n) for n in re.findall(r"<tr><td>(\d+)</td>", html)}
        assert listed and listed <= set(range(2, len(kept) + 2))
        assert after == {k: v for k, v in before.items() if k != "pending_import"}
        assert org_people(w).keys() == people_before.keys()
        return
    stored = org_people(w)
    assert len(stored) == len(people_before) + len(kept)
    assert {k for k in before if k != "pending_import" and before[k] != after[k]} <= {
        "person",
        "caseload",
    }
    workers = {
        "worker@riverside.example.org": w.worker.id,
        "worker2@riverside.example.org": w.colleague.id,
    }
    for row in kept:
        name, reference, key_workers, _, _ = (cell.strip() for cell in row)
        person = stored[reference]
        assert person.display_name == name and 0 < len(name) <= MAX_NAME
        assert 0 < len(reference) <= MAX_REFERENCE and reference not in people_before
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
        expected = {workers[e.strip().lower()] for e in re.split(r"[;,]", key_workers) if e.strip()}
        assert {u.id for u in person.key_workers} == expected


@SETTINGS
@given(
    filename=st.one_of(st.text(max_size=20), st.sampled_from(["people.csv", "people.xlsx"])),
    body=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
)
def test_people_import_with_any_file(client, auth, w, filename, body):
    sign_in(client, auth, w)
    before = all_row_counts(skip=("audit_event", "user_session", "pending_import"))
    response = upload(client, body, filename)
    assert response.status_code in (303, 400, 422), response.status_code
    assert all_row_counts(skip=("audit_event", "user_session", "pending_import")) == before
    if response.status_code == 303:
        assert client.get(response.headers["Location"]).status_code == 200


# --- templates ------------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
rung_lists = st.one_of(st.lists(st.text(max_size=40), min_size=0, max_size=4), json_values)
outcome_specs = st.fixed_dictionaries(
    {
        "name": st.one_of(
            st.text(max_size=30), st.sampled_from(["Getting out and about", "New"]), json_values
        ),
        "rungs": rung_lists,
    },
    optional={"description": st.one_of(st.text(max_size=40), json_values)},
)
outcome_sets = st.fixed_dictionaries(
    {"format": st.just("stepladder-outcome-set"), "outcomes": st.lists(outcome_specs, max_size=3)},
    optional={
        "activities": st.one_of(
            json_values,
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": st.one_of(st.text(max_size=30), json_values),
                        "outcomes": st.one_of(st.lists(st.sampled_from(["New", "x"])), json_values),
                    }
                ),
                max_size=2,
            ),
        ),
        "name": json_values,
    },
)

good_sets = st.fixed_dictionaries(
    {
        "outcomes": st.lists(
            st.fixed_dictionaries(
                {
                    "name": plain | st.just("Getting out and about"),
                    "rungs": st.lists(plain, min_size=1, max_size=4),
                }
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda o: o["name"].strip(),
        )
    }
)


@SETTINGS
@given(document=st.one_of(json_values, outcome_sets, good_sets, good_sets))
def test_outcome_set_import_with_anything(client, auth, w, document):
    if not client.get_cookie("session"):
        auth.sign_in(w.admin)
        client.token = auth.csrf("/ladders/")
    had = set(db.session.scalars(select(Outcome.name).where(Outcome.organisation_id == w.org.id)))
    before = all_row_counts()
    response = client.post(
        "/ladders/import",
        data={
            "csrf_token": client.token,
            "file": (io.BytesIO(json.dumps(document).encode()), "set.json"),
        },
        content_type="multipart/form-data",
    )
    after = all_row_counts()
    event(f"template answered {response.status_code}")
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 422:
        assert after == before
        return
    now = {
        o.name: o
        for o in db.session.scalars(select(Outcome).where(Outcome.organisation_id == w.org.id))
    }
    sent = {spec["name"].strip(): spec for spec in document["outcomes"]}
    assert set(now) == had | set(sent)
    for name in set(sent) - had:
        assert [r.text for r in now[name].rungs] == [r.strip() for r in sent[name]["rungs"]]
    assert after["outcome"] == before["outcome"] + len(set(sent) - had)
    assert {n: v for n, v in after.items() if n.startswith("person")} == {
        n: v for n, v in before.items() if n.startswith("person")
    }


def test_deeply_nested_outcome_set_is_refused(client, auth, w):
    auth.sign_in(w.admin)
    before = all_row_counts()
    response = client.post(
        "/ladders/import",
        data={"csrf_token": auth.csrf("/ladders/"), "file": (io.BytesIO(b"[" * 100_000), "x.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a template" in response.get_data(as_text=True)
    assert all_row_counts() == before


def test_outcome_set_with_a_nul_character_is_refused(client, auth, w):
    auth.sign_in(w.admin)
    document = {"outcomes": [{"name": "A\u0000B", "rungs": ["One"]}]}
    before = all_row_counts()
    response = client.post(
        "/ladders/import",
        data={
            "csrf_token": auth.csrf("/ladders/"),
            "file": (io.BytesIO(json.dumps(document).encode()), "x.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert all_row_counts() == before


def test_people_file_with_a_long_name_or_nul_bytes(client, auth, w):
    auth.sign_in(w.admin)
    token = auth.csrf("/people/import/")
    body = as_csv([HEADERS, ["Dana P.", "NEW-1", "", "", ""]])
    response = client.post(
        "/people/import/",
        data={"csrf_token": token, "file": (io.BytesIO(body), "x" * 300 + ".csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    before = all_row_counts()
    response = client.post(
        "/people/import/",
        data={
            "csrf_token": token,
            "file": (io.BytesIO("Name,Ref\nA\0,B\n".encode("utf-16")), "x.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not readable text" in response.get_data(as_text=True)
    assert all_row_counts() == before
