"""Check the pinned dependencies (constraints.txt) for known vulnerabilities with pip-audit.

Fails when a pinned version has a known vulnerability, and when pip-audit fails for any
reason other than the network. Only when the vulnerability service cannot be reached (a
connection refused or timed out, a name that does not resolve), or answers for none of the
packages (an offline mirror), does it say so plainly and pass: nothing was checked, and the
report must not read as "no vulnerabilities". A crash must never pass as "unreachable".
"""

import json
import re
import subprocess
import sys
from dataclasses import dataclass

CONSTRAINTS = "constraints.txt"

# What pip-audit prints when it cannot reach its service (its own messages), and the
# exceptions a failed connection ends in when pip-audit lets one escape as a traceback.
NETWORK_FAILURE = re.compile(
    r"Could not connect to \S+ vulnerability feed"
    r"|PyPI is not redirecting properly"
    r"|^(requests\.exceptions\.(ConnectionError|ConnectTimeout|ReadTimeout|Timeout)"
    r"|urllib3\.exceptions\.(NewConnectionError|ConnectTimeoutError|NameResolutionError"
    r"|MaxRetryError)|socket\.gaierror|ConnectionRefusedError|TimeoutError)\b",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Outcome:
    """What the run found: the exit code for the test script, and what to print."""

    code: int
    lines: tuple[str, ...]


def classify(returncode: int, stdout: str, stderr: str) -> Outcome:
    """Turn one pip-audit run into an outcome: audited, unreachable, vulnerable or failed."""
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict) or not isinstance(report.get("dependencies"), list):
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        if NETWORK_FAILURE.search(stderr):
            return Outcome(
                0,
                (
                    f"Dependencies NOT audited: the vulnerability service was not reachable "
                    f"({last}).",
                ),
            )
        return Outcome(1, (f"Dependency audit FAILED: pip-audit exited {returncode} ({last}).",))
    dependencies = report["dependencies"]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    if not audited:
        return Outcome(
            0,
            (
                f"Dependencies NOT audited: the vulnerability service answered for none of the "
                f"{len(dependencies)} pinned packages (an offline mirror?).",
            ),
        )
    lines = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in "
        f"{', '.join(v.get('fix_versions', [])) or 'no fixed version yet'})"
        for d in vulnerable
        for v in d["vulns"]
    ]
    skipped = len(dependencies) - len(audited)
    lines.append(
        f"Audited {len(audited)} pinned packages ({skipped} could not be checked): "
        f"{len(vulnerable)} with known vulnerabilities."
    )
    if not vulnerable and returncode != 0:
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        lines.append(f"Dependency audit FAILED: pip-audit exited {returncode} ({last}).")
        return Outcome(1, tuple(lines))
    return Outcome(1 if vulnerable else 0, tuple(lines))


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
    outcome = classify(run.returncode, run.stdout, run.stderr)
    print("\n".join(outcome.lines))
    return outcome.code


if __name__ == "__main__":
    sys.exit(main())
