"""Print the exact versions installed for Stepladder and its test extras, dependencies of
dependencies included, as a pip constraints file. Regenerate after changing pyproject.toml:

    pip install -e '.[test]' && python3 scripts/constraints.py > constraints.txt
"""

import re
import sys
from importlib.metadata import PackageNotFoundError, distribution

from packaging.requirements import Requirement

HEADER = """\
# Exact versions CI installs (scripts/test.sh: pip install -c constraints.txt -e '.[test]')
# and pip-audit checks. Regenerate after changing pyproject.toml:
#     pip install -e '.[test]' && python3 scripts/constraints.py > constraints.txt
"""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(root: str, extras: set[str]) -> dict[str, str]:
    """Every distribution that `root[extras]` needs, with its installed version."""
    found: dict[str, str] = {}
    todo = [(root, extras)]
    while todo:
        name, wanted_extras = todo.pop()
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue  # an optional dependency for another platform or Python
        key = _canonical(dist.metadata["Name"])
        if key != _canonical(root):
            found[key] = dist.version
        for text in dist.requires or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker and not any(
                marker.evaluate({"extra": extra}) for extra in (wanted_extras or {""})
            ):
                continue
            child = _canonical(requirement.name)
            if child not in found:
                todo.append((requirement.name, set(requirement.extras)))
    return found


def main() -> None:
    sys.stdout.write(HEADER)
    for name, version in sorted(closure("stepladder", {"test"}).items()):
        sys.stdout.write(f"{name}=={version}\n")


if __name__ == "__main__":
    main()
