"""benchmarks/results.md: each benchmark script rewrites its own section and leaves the rest."""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("results.md")
TITLE = "# Stepladder benchmark results\n\nEach section is rewritten by the script that names it.\n"


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `samples`."""
    ordered = sorted(samples)
    rank = max(1, round(p / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def machine() -> str:
    """Cores, CPU model, memory, load, date and commit: what a reader needs to judge the figures."""
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read()).group(1))
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({model}), {total_kb / 1024 / 1024:.1f} GiB memory, "
        f"Python {platform.python_version()}, load average {load} at the start; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit {commit}"
    )


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace the section called `name` in results.md (or add it), keeping the others."""
    text = path.read_text() if path.exists() else TITLE
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def verdict(value: float, limit: float) -> str:
    return "met" if value < limit else "**missed**"
