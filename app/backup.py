"""`stepladder backup FILE` and `stepladder restore FILE` for SQLite, with checksums.

Both use SQLite's online backup API, so the app may keep running while a copy is taken,
and a restore never leaves a half-copied database: pages are copied inside one transaction.
For PostgreSQL, use pg_dump and pg_restore (docs/operations.md).
"""

import hashlib
import sqlite3
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from app.extensions import db


def _sqlite_path() -> Path:
    """The live database file; refuses other databases with a pointer to the right tool."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException(
            "backup and restore work on a SQLite file; for PostgreSQL use pg_dump and "
            "pg_restore as described in docs/operations.md."
        )
    return Path(url.database)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def integrity_problems(path: Path) -> list[str]:
    """What PRAGMA integrity_check and foreign_key_check find wrong (empty when sound)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [
            f"{table} row {rowid} refers to a missing {parent} row"
            for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check")
        ]
    except sqlite3.DatabaseError as error:
        problems = [f"not a readable SQLite database: {error}"]
    finally:
        conn.close()
    return problems


def _copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with the online backup API."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Copy the live SQLite database to FILE, with FILE.sha256 beside it."""
    source = _sqlite_path()
    if file.exists():
        raise click.ClickException(f"{file} already exists; choose a new file name.")
    file.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, file)
    if problems := integrity_problems(file):
        file.unlink()
        raise click.ClickException("The copy failed its integrity check: " + "; ".join(problems))
    checksum_path(file).write_text(f"{sha256(file)}  {file.name}\n")
    click.echo(f"Backed up to {file} (checksum in {checksum_path(file).name}); integrity check ok.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the live database.")
def restore(file: Path, yes: bool) -> None:
    """Replace the live SQLite database with the backup FILE, after checking it."""
    target = _sqlite_path()
    sums = checksum_path(file)
    if not sums.exists():
        raise click.ClickException(f"{sums} is missing; cannot tell whether {file} is intact.")
    expected = sums.read_text().split()[0] if sums.read_text().split() else ""
    if sha256(file) != expected:
        raise click.ClickException(f"{file} does not match its checksum; it was not restored.")
    if problems := integrity_problems(file):
        raise click.ClickException("The backup fails its integrity check: " + "; ".join(problems))
    if not yes:
        click.confirm(f"Replace {target} with {file}?", abort=True)
    db.session.remove()
    db.engine.dispose()
    _copy(file, target)
    if problems := integrity_problems(target):
        raise click.ClickException(
            "The restored database fails its integrity check: " + "; ".join(problems)
        )
    click.echo(f"Restored {target} from {file}; integrity check ok.")
