"""Backup and restore of a SQLite database: checksum, integrity check, the data comes back."""

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from app.backup import integrity_problems
from app.extensions import db
from app.models import Person
from tests.fixtures.rows import count

pytestmark = pytest.mark.usefixtures("w")


@pytest.fixture
def sqlite_only(app):
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        return "postgresql"
    return "sqlite"


def test_backup_then_restore_brings_the_data_back(app, runner, tmp_path, sqlite_only):
    target = tmp_path / "copy.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    if sqlite_only == "postgresql":
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    digest = (tmp_path / "copy.sqlite.sha256").read_text().split()
    assert len(digest[0]) == 64 and digest[1] == "copy.sqlite"
    people = count(Person)
    db.session.query(Person).filter(Person.reference == "RS-2").update({"display_name": "Changed"})
    db.session.commit()
    db.session.remove()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    assert count(Person) == people
    assert (
        db.session.scalar(db.select(Person.display_name).where(Person.reference == "RS-2"))
        == "Bo M."
    )
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    assert integrity_problems(path) == []


def test_restore_refuses_a_backup_that_does_not_match_its_checksum(runner, tmp_path, sqlite_only):
    if sqlite_only == "postgresql":
        return
    target = tmp_path / "copy.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE person SET display_name = 'Tampered'")
    conn.close()
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code != 0 and "does not match its checksum" in result.output
    assert (
        db.session.scalar(db.select(Person.display_name).where(Person.reference == "RS-2"))
        == "Bo M."
    )


def test_integrity_check_finds_a_broken_foreign_key(tmp_path):
    path = tmp_path / "broken.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.execute(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"
        )
        conn.execute("INSERT INTO child VALUES (1, 42)")
    conn.close()
    assert integrity_problems(path) == ["child row 1 refers to a missing parent row"]
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    assert integrity_problems(garbage)[0].startswith("not a readable SQLite database")
