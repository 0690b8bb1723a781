"""scripts/audit_dependencies.py: only a real network failure reads as "not reachable"; a
crash, or a vulnerability found, fails the run with a plain message. No network is used:
each case is what pip-audit prints in that situation."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"
_spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit_dependencies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit_dependencies)
classify = audit_dependencies.classify


def traceback_ending(last: str) -> str:
    return (
        "Traceback (most recent call last):\n"
        '  File "pip_audit/_cli.py", line 549, in audit\n'
        "    for spec, vulns in auditor.audit(source):\n"
        f"{last}\n"
    )


def report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


CLEAN = {"name": "flask", "version": "3.1.0", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": []}],
}


@pytest.mark.parametrize(
    "stderr",
    [
        "ERROR:pip_audit._cli:Could not connect to PyPI's vulnerability feed\n"
        "ERROR:pip_audit._cli:Tip: your network may be blocking this service.",
        "ERROR:pip_audit._cli:Could not connect to OSV's vulnerability feed",
        traceback_ending(
            "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', "
            "port=443): Max retries exceeded (Caused by NameResolutionError(...))"
        ),
        traceback_ending("requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='pypi.org')"),
        traceback_ending("urllib3.exceptions.NewConnectionError: Failed to establish a connection"),
    ],
    ids=["pypi-feed", "osv-feed", "dns", "read-timeout", "refused"],
)
def test_a_network_failure_is_reported_as_not_audited_and_passes(stderr):
    outcome = classify(1, "", stderr)
    assert outcome.code == 0
    assert outcome.lines[0].startswith("Dependencies NOT audited: the vulnerability service was")


@pytest.mark.parametrize(
    "stdout, stderr",
    [
        ("", traceback_ending("KeyError: 'vulnerabilities'")),
        ("", traceback_ending("json.decoder.JSONDecodeError: Expecting value: line 1 column 1")),
        ("", "ERROR:pip_audit._cli:invalid requirements input: constraints.txt"),
        ("", ""),
        ("[]", "ERROR:pip_audit._cli:unexpected"),
        ("", traceback_ending("requests.exceptions.SSLError: certificate verify failed")),
    ],
    ids=["crash", "bad-answer", "bad-input", "no-output", "not-a-report", "tls"],
)
def test_any_other_failure_fails_the_run_and_says_so(stdout, stderr):
    outcome = classify(1, stdout, stderr)
    assert outcome.code == 1
    assert "Dependency audit FAILED: pip-audit exited 1" in outcome.lines[-1]
    assert not any("NOT audited" in line for line in outcome.lines)


def test_a_known_vulnerability_fails_the_run_and_names_it():
    outcome = classify(1, report(CLEAN, VULNERABLE), "")
    assert outcome.code == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in outcome.lines
    assert outcome.lines[-1] == (
        "Audited 2 pinned packages (0 could not be checked): 1 with known vulnerabilities."
    )


def test_a_clean_report_passes():
    outcome = classify(0, report(CLEAN, {"name": "x", "version": "1", "skip_reason": "404"}), "")
    assert outcome == audit_dependencies.Outcome(
        0, ("Audited 1 pinned packages (1 could not be checked): 0 with known vulnerabilities.",)
    )


def test_a_report_after_a_failed_exit_without_vulnerabilities_still_fails():
    outcome = classify(2, report(CLEAN), "ERROR:pip_audit._cli:could not write the fix")
    assert outcome.code == 1
    assert outcome.lines[-1].startswith("Dependency audit FAILED: pip-audit exited 2")


def test_a_mirror_that_answers_for_nothing_is_reported_as_not_audited():
    outcome = classify(0, report({"name": "flask", "version": "3.1.0", "skip_reason": "?"}), "")
    assert outcome.code == 0 and "answered for none of the 1 pinned" in outcome.lines[0]
