"""Check the pinned dependencies (constraints.txt) for known vulnerabilities with pip-audit.

Fails when a pinned version has a known vulnerability. When the vulnerability service cannot
be reached, or answers for none of the packages (an offline mirror), it says so plainly and
does not fail: nothing was checked, and the report must not read as "no vulnerabilities".
"""

import json
import subprocess
import sys

CONSTRAINTS = "constraints.txt"


def main() -> int:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            CONSTRAINTS,
            "--no-deps",  # every version is pinned; nothing to resolve
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--timeout",
            "15",
        ],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"Dependencies NOT audited: the vulnerability service was not reachable ({last}).")
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    if not audited:
        print(
            f"Dependencies NOT audited: the vulnerability service answered for none of the "
            f"{len(dependencies)} pinned packages (an offline mirror?)."
        )
        return 0
    skipped = len(dependencies) - len(audited)
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    print(
        f"Audited {len(audited)} pinned packages ({skipped} could not be checked): "
        f"{len(vulnerable)} with known vulnerabilities."
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
