"""The tests' own shape: shared helpers live in tests/fixtures, so a conftest file holds only
fixtures and no test module depends on another test module (moving or deleting one test file
never breaks another)."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def imported_test_modules(path: Path) -> list[str]:
    """The modules under tests/ that `path` imports, other than tests.fixtures."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else ["." * node.level]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [name for name in names if _is_test_module(name)]
    return found


def _is_test_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    if name.startswith("tests."):
        return not name.startswith("tests.fixtures.")
    return name.startswith(".") or last == "conftest" or last.startswith("test_")


def test_tests_import_helpers_only_from_fixtures():
    offenders = {
        str(path.relative_to(TESTS)): imported
        for path in sorted(TESTS.rglob("*.py"))
        if (imported := imported_test_modules(path))
    }
    assert offenders == {}
