"""Bad input and resources: body limits, bounded imports, CR/LF in next=, equal sign-in
work for every kind of account, a real-size password blocklist, and an admin's own password
before the resets that reach furthest."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from app.auth import passwords
from app.auth.passwords import common_passwords, policy_problem
from app.extensions import db
from app.imports import reading
from app.imports.reading import ImportFileError, read_table
from app.models import Person, User
from app.request_limits import MAX_ANONYMOUS_BODY, MAX_BODY
from tests.fixtures.factories import make_user
from tests.fixtures.rows import all_row_counts
from tests.fixtures.web import csrf_from


class CountingStream:
    """A request body of `size` bytes that counts how much of it the app reads."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.position
        n = left if n < 0 else min(n, left)
        self.position += n
        self.read_bytes += n
        return b"a" * n

    def readline(self, n: int = -1) -> bytes:
        return self.read(min(n, 1024) if n > 0 else 1024)

    def seek(self, offset: int, whence: int = 0) -> int:
        """The test client measures the body by seeking to its end and back (not a read)."""
        self.position = offset + (self.size if whence == 2 else 0)
        return self.position

    def tell(self) -> int:
        return self.position


def post_body(client, path: str, size: int, content_type: str, **kwargs):
    """POST a body of `size` bytes; answer (response, bytes the app read)."""
    body = CountingStream(size)
    response = client.post(
        path, input_stream=body, content_type=content_type, content_length=size, **kwargs
    )
    return response, body.read_bytes


def test_a_300_mb_anonymous_post_is_refused_without_reading_it(client):
    response, read = post_body(
        client, "/sign-in", 300 * 1024 * 1024, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert read <= MAX_ANONYMOUS_BODY


def test_a_body_a_little_over_the_anonymous_limit_is_refused_before_sign_in(client, w):
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    padding = "x" * MAX_ANONYMOUS_BODY
    response = client.post(
        "/sign-in",
        data={"email": w.worker.email, "password": padding, "csrf_token": token},
    )
    assert response.status_code == 413
    assert "Nothing was saved" in response.get_data(as_text=True)


def test_signed_in_uploads_over_the_app_limit_get_a_clear_413(client, auth, w):
    auth.sign_in(w.admin)
    before = all_row_counts(skip=("audit_event", "attempt"))
    response, read = post_body(
        client, "/people/import/", MAX_BODY + 1, "multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert "over 6 MB" in response.get_data(as_text=True)
    assert read == 0
    assert all_row_counts(skip=("audit_event", "attempt")) == before


def test_an_offline_replay_over_the_limit_hears_json(client, auth, w):
    auth.sign_in(w.worker)
    response, _read = post_body(
        client,
        f"/people/{w.person.id}/entries",
        MAX_BODY + 10,
        "application/x-www-form-urlencoded",
        headers={"X-Stepladder-Replay": "1"},
    )
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]


# --- imports bounded in columns, cells and time ---------------------------------------------


def _xlsx(cells: dict[tuple[int, int], str]) -> bytes:
    book = Workbook()
    for (row, column), value in cells.items():
        book.active.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_sixty_thousand_empty_columns_cost_no_more_than_a_hundred():
    blank = "," * 60_000
    data = ("Name,Reference" + blank + "\n" + "Ann,R1" + blank + "\n").encode() * 1
    headers, rows = read_table("people.csv", data)
    assert len(headers) <= reading.MAX_COLUMNS
    assert rows[0][:2] == ["Ann", "R1"] and len(rows[0]) == len(headers)


def test_a_file_with_too_many_filled_columns_is_refused_plainly():
    header = ",".join(f"Column {i}" for i in range(reading.MAX_COLUMNS + 1))
    with pytest.raises(ImportFileError, match="more than 100 columns"):
        read_table("people.csv", (header + "\n" + header + "\n").encode())
    with pytest.raises(ImportFileError, match="more than 100 columns"):
        read_table("people.xlsx", _xlsx({(1, 1): "Name", (1, reading.MAX_COLUMNS + 1): "x"}))


def test_a_file_with_too_many_cells_is_refused_plainly():
    row = ",".join(["x"] * 30)
    data = "\n".join([row] * 9_000).encode()
    with pytest.raises(ImportFileError, match="more than 250,000 cells"):
        read_table("people.csv", data)


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 4096)
    with pytest.raises(ImportFileError, match="unpacks to more than"):
        read_table("people.xlsx", _xlsx({(1, 1): "Name", (2, 1): "Ann " * 5000}))


def test_reading_stops_when_it_has_used_its_cpu_time(monkeypatch):
    monkeypatch.setattr(reading, "MAX_SECONDS", -1.0)  # every row is already over time
    for name, data in (
        ("people.csv", b"Name,Reference\nAnn,R1\n"),
        ("people.xlsx", _xlsx({(1, 1): "Name", (2, 1): "Ann"})),
    ):
        with pytest.raises(ImportFileError, match="took too long"):
            read_table(name, data)


SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _crafted_xlsx(shared_strings: bytes = b"", sheet: bytes = b"") -> bytes:
    """A real workbook (Name / Ann) with its shared-strings table or sheet replaced, as an
    attacker would build one: a few kilobytes that unpack to millions of elements."""
    plain = zipfile.ZipFile(io.BytesIO(_xlsx({(1, 1): "Name", (2, 1): "Ann"})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as crafted:
        for info in plain.infolist():
            part = plain.read(info.filename)
            if info.filename == "[Content_Types].xml" and shared_strings:
                override = (
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS}"/>'
                )
                part = part.replace(b"</Types>", override.encode() + b"</Types>")
            if info.filename == "xl/worksheets/sheet1.xml" and sheet:
                part = b"<worksheet " + MAIN + b"><sheetData>" + sheet + b"</sheetData></worksheet>"
            crafted.writestr(info.filename, part)
        if shared_strings:
            crafted.writestr(
                "xl/sharedStrings.xml", b"<sst " + MAIN + b">" + shared_strings + b"</sst>"
            )
    return out.getvalue()


def _huge_shared_strings() -> bytes:
    return _crafted_xlsx(shared_strings=b"<si><t>a</t></si>" * (reading.MAX_XML_ELEMENTS // 2 + 1))


def _never_parsed(*_args, **_kwargs):
    raise AssertionError("openpyxl was asked to parse a workbook that should have been refused")


def test_a_huge_shared_strings_table_is_refused_before_openpyxl_parses_it(monkeypatch):
    data = _huge_shared_strings()
    assert len(data) < 200_000  # small to upload; only unpacked is it millions of strings
    monkeypatch.setattr(reading, "load_workbook", _never_parsed)
    with pytest.raises(ImportFileError, match="holds more cells or text than a people file"):
        read_table("people.xlsx", data)


@pytest.mark.parametrize(
    "row",
    [
        b'<c t="inlineStr"><is><t>a</t></is></c>' * (reading.MAX_XML_ELEMENTS // 3 + 1),
        b'<c t="inlineStr"><is>'
        + b"<r><t>a</t></r>" * (reading.MAX_XML_ELEMENTS // 2)
        + b"</is></c>",
    ],
    ids=["one-row-of-many-cells", "one-cell-of-many-runs"],
)
def test_a_first_row_too_big_to_parse_is_refused_before_openpyxl_parses_it(monkeypatch, row):
    data = _crafted_xlsx(sheet=b'<row r="1">' + row + b"</row>")
    monkeypatch.setattr(reading, "load_workbook", _never_parsed)
    with pytest.raises(ImportFileError, match="holds more cells or text than a people file"):
        read_table("people.xlsx", data)


def test_a_workbook_with_a_shared_strings_table_it_needs_still_reads():
    strings = b"<si><t>Name</t></si><si><t>Ann</t></si>"
    sheet = (
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        b'<row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    )
    data = _crafted_xlsx(shared_strings=strings, sheet=sheet)
    headers, rows = read_table("people.xlsx", data)
    assert headers[0] == "Name" and [row[0] for row in rows] == ["Ann"]


def test_a_giant_cell_is_refused_plainly():
    giant = "a" * (reading.MAX_CELL_CHARS + 1)
    sheet = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
    sheet += b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + giant.encode() + b"</t></is></c></row>"
    for name, data in (
        ("people.csv", f"Name\n{giant}\n".encode()),
        ("people.xlsx", _crafted_xlsx(sheet=sheet)),
    ):
        with pytest.raises(ImportFileError, match="A cell holds more than 10,000 characters"):
            read_table(name, data)


def test_an_upload_with_a_huge_shared_strings_table_says_so_and_stores_nothing(client, auth, w):
    auth.sign_in(w.admin)
    before = all_row_counts(skip=("audit_event", "attempt", "user_session"))
    token = auth.csrf("/people/import/")
    response = client.post(
        "/people/import/",
        data={"csrf_token": token, "file": (io.BytesIO(_huge_shared_strings()), "people.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "holds more cells or text than a people file" in response.get_data(as_text=True)
    assert all_row_counts(skip=("audit_event", "attempt", "user_session")) == before


def test_an_import_refused_for_its_width_says_so_and_stores_nothing(client, auth, w):
    auth.sign_in(w.admin)
    before = db.session.scalar(db.select(db.func.count()).select_from(Person))
    header = ",".join(f"Column {i}" for i in range(150))
    token = auth.csrf("/people/import/")
    response = client.post(
        "/people/import/",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(f"{header}\n{header}\n".encode()), "people.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "more than 100 columns" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == before


# --- next= -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/people\r\nSet-Cookie: planted=1", "/people\nX: y", "/\\evil.example/", "/people\x7f"],
)
def test_a_next_with_control_characters_or_backslashes_goes_home(client, w, target):
    page = client.get("/sign-in", query_string={"next": target})
    assert page.status_code == 200
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={
            "email": w.worker.email,
            "password": "correct horse battery",
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 303
    assert response.location == "/people/" or response.location.endswith("/")
    assert "evil" not in response.location and "\n" not in response.location
    assert "planted" not in response.headers.get("Set-Cookie", "")


# --- the same work for unknown, active and deactivated accounts --------------------------------


def test_sign_in_verifies_one_hash_of_the_same_cost_for_every_kind_of_account(
    client, w, monkeypatch
):
    gone = make_user(w.org, "worker", email="gone@riverside.example.org", active=False)
    db.session.commit()
    checked = []
    real_verify = passwords.verify_password

    def spy(stored_hash, password):
        checked.append(stored_hash.rsplit("$", 2)[0])  # algorithm and parameters, not the salt
        return real_verify(stored_hash, password)

    monkeypatch.setattr("app.auth.routes.verify_password", spy)
    for email, password in (
        ("nobody@riverside.example.org", "wrong password!"),  # unknown
        (w.worker.email, "wrong password!"),  # active, wrong password
        (gone.email, "correct horse battery"),  # deactivated, right password
    ):
        token = csrf_from(client.get("/sign-in").get_data(as_text=True))
        response = client.post(
            "/sign-in", data={"email": email, "password": password, "csrf_token": token}
        )
        assert response.status_code == 401
    assert len(checked) == 3
    assert len(set(checked)) == 1, checked  # one argon2 check, same parameters, each time


# --- the password blocklist ------------------------------------------------------------------


def test_the_blocklist_is_the_real_size_list_a_well_kept_library_ships():
    assert len(common_passwords()) >= 30_000
    for common in ("liverpool1", "manchester", "password123", "qwertyuiop"):
        assert policy_problem(common, []) is not None, common


def test_common_words_dressed_up_with_digits_and_symbols_are_refused():
    for dressed in ("Password2024!", "!!Sunshine123", "football!!99"):
        assert "too easy" in policy_problem(dressed, []), dressed


def test_the_product_s_and_the_organisation_s_own_words_are_refused():
    assert policy_problem("stepladder-demo", []) is not None
    assert policy_problem("Stepladder2026!", []) is not None
    words = ["Riverside Support", "Riverside", "Support"]
    assert "name anyone could guess" in policy_problem("Riverside2026!", words)
    assert policy_problem("riverside support 1", words) is not None
    assert policy_problem("lantern orchard pebble", words) is None


def test_a_signed_in_admin_cannot_give_a_colleague_the_organisation_s_name(client, auth, w):
    auth.sign_in(w.admin)
    org_word = w.org.name.split()[0]  # "Riverside"
    response = client.post(
        f"/account/staff/{w.worker.id}/password",
        data={
            "csrf_token": auth.csrf("/account/staff"),
            "new_password": f"{org_word}2026!",
            "confirm": f"{org_word}2026!",
        },
    )
    assert response.status_code == 422
    assert "name anyone could guess" in response.get_data(as_text=True)


def test_an_admin_cannot_give_a_colleague_a_password_built_on_the_colleague_s_name(client, auth, w):
    colleague = make_user(w.org, "worker", name="Mirabel Quennell")
    db.session.commit()
    auth.sign_in(w.admin)
    response = client.post(
        f"/account/staff/{colleague.id}/password",
        data={
            "csrf_token": auth.csrf("/account/staff"),
            "new_password": "Mirabel Quennell 2026",
            "confirm": "Mirabel Quennell 2026",
        },
    )
    assert response.status_code == 422
    assert "name anyone could guess" in response.get_data(as_text=True)


# --- an admin's own password before the furthest-reaching resets ----------------------------


NEW = "lantern orchard pebble"


def _reset(client, auth, user, **extra):
    return client.post(
        f"/account/staff/{user.id}/password",
        data={
            "csrf_token": auth.csrf("/account/staff"),
            "new_password": NEW,
            "confirm": NEW,
            **extra,
        },
    )


def _hash_of(user) -> str:
    return db.session.get(User, user.id).password_hash


def test_resetting_another_admin_needs_your_own_password(client, auth, w):
    other = make_user(w.org, "admin", email="admin2@riverside.example.org")
    db.session.commit()
    before = _hash_of(other)
    auth.sign_in(w.admin)
    missing = _reset(client, auth, other)
    assert missing.status_code == 422 and "Enter your own password" in missing.get_data(True)
    assert _reset(client, auth, other, your_password="not my password").status_code == 422
    assert _hash_of(other) == before
    assert _reset(client, auth, other, your_password="correct horse battery").status_code == 303
    assert _hash_of(other) != before


def test_turning_off_a_colleague_s_two_factor_needs_your_own_password(client, auth, w):
    supervisor = db.session.get(User, w.supervisor.id)
    supervisor.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    auth.sign_in(w.admin)
    refused = _reset(client, auth, supervisor, turn_off_two_factor="y")
    assert refused.status_code == 422
    assert db.session.get(User, supervisor.id).totp_secret == "JBSWY3DPEHPK3PXP"
    done = _reset(
        client, auth, supervisor, turn_off_two_factor="y", your_password="correct horse battery"
    )
    assert done.status_code == 303
    assert db.session.get(User, supervisor.id).totp_secret is None


def test_a_worker_s_password_reset_alone_does_not_ask_for_yours(client, auth, w):
    auth.sign_in(w.admin)
    assert _reset(client, auth, w.worker).status_code == 303
