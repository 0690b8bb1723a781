"""docs/security.md lists each promise with the tests that hold it: every `path::name` it
names is a test function that exists, and every promise names at least one."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _promises() -> list[tuple[str, list[tuple[str, str]]]]:
    """(promise, [(path, function), ...]) for each row of the promises table."""
    text = DOC.read_text()
    table = text.split("## Promises and the tests that hold them", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]  # not the header
    return [(row.split(" | ")[0].strip("| "), NAMED.findall(row)) for row in rows]


def test_every_promise_names_at_least_one_test():
    promises = _promises()
    assert len(promises) >= 20
    unnamed = [promise for promise, tests in promises if not tests]
    assert unnamed == []


def test_every_test_the_security_promises_name_exists():
    missing = []
    for _promise, tests in _promises():
        for path, name in tests:
            source = ROOT / path
            # A cheap check that the function is defined: no import, no collection.
            if not source.exists() or not re.search(
                rf"^def {name}\(", source.read_text(), re.MULTILINE
            ):
                missing.append(f"{path}::{name}")
    assert missing == []
