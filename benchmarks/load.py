"""A bounded load run: 50 workers recording and 20 supervisors on the Overview, over real HTTP.

    python benchmarks/load.py [--database-url postgresql://postgres@127.0.0.1:5432/stepladder_bench]

Starts `stepladder serve` (gunicorn, several processes) on the benchmark database, signs in
50 workers and 20 supervisor sessions through the real form, and runs them at once: each
worker opens a person's page and records entries the way the phone does (htmx POST, CSRF, a
fresh UUID each), sending one in ten a second time as a replay would; each supervisor's
Overview asks for its live fragment over and over. It reports errors, p50/p95/p99 and
throughput, then counts the entries in the database: every acknowledged UUID must be stored
exactly once, and nothing else may have appeared. The entries it made are removed
afterwards.
"""

import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import click  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

from app.config import normalise_database_url  # noqa: E402
from app.models import Entry  # noqa: E402
from benchmarks.data import PASSWORD, SUPERVISOR, remove_entries_at, worker_email  # noqa: E402
from benchmarks.report import machine, percentile, write_section  # noqa: E402
from benchmarks.server import Server  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/people/(\d+)"')
POLL_SECONDS = 3  # as the Overview page polls


@dataclass
class Tally:
    """What every simulated user saw, gathered under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: set = field(default_factory=set)  # UUIDs the server answered 201 for
    repeats_ok: int = 0
    resent: list[str] = field(default_factory=list)  # requests sent again after a reset

    def time(self, kind: str, ms: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def resend(self, what: str) -> None:
        with self.lock:
            self.resent.append(what)


def session_for(base: str, email: str) -> tuple[requests.Session, str]:
    """A signed-in HTTP session and its CSRF token."""
    http = requests.Session()
    token = CSRF.search(http.get(base + "/sign-in").text).group(1)
    response = http.post(
        base + "/sign-in",
        data=dict(email=email, password=PASSWORD, csrf_token=token),
        allow_redirects=False,
    )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in failed for {email}: {response.status_code}")
    page = http.get(base + "/people")
    return http, CSRF.search(page.text).group(1)


def worker(base: str, email: str, records: int, tally: Tally, start: threading.Barrier) -> None:
    """One outreach worker: open their people, record `records` entries, replay some."""
    try:
        http, token = session_for(base, email)
        people = PERSON_LINK.findall(http.get(base + "/people").text)[:10] or []
    except Exception as problem:  # noqa: BLE001 - a failed sign-in is counted, not fatal
        tally.error(f"{email}: {problem}")
        start.wait()
        return
    start.wait()
    for n in range(records):
        person = people[n % len(people)]
        began = time.perf_counter()
        page = http.get(f"{base}/people/{person}")
        tally.time("person page", (time.perf_counter() - began) * 1000)
        if page.status_code != 200:
            tally.error(f"person page {page.status_code}")
            continue
        entry_id = str(uuid.uuid4())
        form = dict(csrf_token=token, id=entry_id, recorded_at="", action="seen")
        headers = {"HX-Request": "true", "HX-Target": "recorder"}
        for attempt in range(2 if n % 10 == 0 else 1):  # one in ten is sent twice, like a replay
            began = time.perf_counter()
            try:
                response = http.post(f"{base}/people/{person}/entries", data=form, headers=headers)
            except requests.RequestException as problem:
                tally.error(f"record: {problem}")
                continue
            tally.time("record", (time.perf_counter() - began) * 1000)
            expected = 201 if attempt == 0 else 200
            if response.status_code != expected:
                tally.error(f"record attempt {attempt + 1}: {response.status_code}")
            elif attempt == 0:
                with tally.lock:
                    tally.acknowledged.add(entry_id)
            else:
                with tally.lock:
                    tally.repeats_ok += 1


def overview(base: str, refreshes: int, tally: Tally, start: threading.Barrier) -> None:
    """One supervisor's Overview asking for its live fragment again and again."""
    try:
        http, _token = session_for(base, SUPERVISOR)
    except Exception as problem:  # noqa: BLE001
        tally.error(f"Overview sign-in: {problem}")
        start.wait()
        return
    start.wait()
    headers = {"HX-Request": "true", "HX-Target": "live"}
    for _ in range(refreshes):
        began = time.perf_counter()
        try:
            response = http.get(base + "/overview/", headers=headers)
        except requests.RequestException as problem:
            tally.error(f"Overview: {problem}")
            continue
        # Like the page's own poll: send back the version held, so an unchanged log gets 204.
        kind = (
            "Overview poll, nothing new (204)"
            if response.status_code == 204
            else "Overview refresh"
        )
        tally.time(kind, (time.perf_counter() - began) * 1000)
        if response.status_code not in (200, 204):
            tally.error(f"Overview {response.status_code}")
        if version := response.headers.get("X-Stepladder-Version"):
            headers["X-Stepladder-Version"] = version
        time.sleep(POLL_SECONDS)


def run_load(
    base: str, workers: int, supervisors: int, records: int, refreshes: int
) -> tuple[Tally, float]:
    tally = Tally()
    start = threading.Barrier(workers + supervisors + 1)
    threads = [
        threading.Thread(target=worker, args=(base, worker_email(n), records, tally, start))
        for n in range(1, workers + 1)
    ] + [
        threading.Thread(target=overview, args=(base, refreshes, tally, start))
        for _ in range(supervisors)
    ]
    for thread in threads:
        thread.start()
    start.wait()  # everyone is signed in: the clock starts now
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - began


def check_entries(database_url: str, tally: Tally, before: int) -> dict:
    """Count what reached the database, then remove it."""
    engine = create_engine(normalise_database_url(database_url))
    ids = [uuid.UUID(i) for i in tally.acknowledged]
    with engine.begin() as connection:
        after = connection.scalar(select(func.count()).select_from(Entry))
        stored = 0
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            stored += connection.scalar(
                select(func.count()).select_from(Entry).where(Entry.id.in_(part))
            )
    engine.dispose()
    remove_entries_at(database_url, ids)
    return dict(before=before, after=after, acknowledged=len(ids), stored=stored)


def render(
    tally: Tally, seconds: float, counts: dict, processes: int, workers: int, supervisors: int
) -> str:
    records = len(tally.acknowledged)
    lines = [
        "## Load run: PostgreSQL behind `stepladder serve`",
        "",
        f"Machine: {machine()}. `stepladder serve --workers {processes}` (gunicorn gthread, "
        f"4 threads each); {workers} workers recording and {supervisors} supervisors refreshing "
        "the Overview at once from one client process on the same two cores, over HTTP on "
        "localhost.",
        "",
        "| request | n | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, samples in sorted(tally.latencies.items()):
        lines.append(
            f"| {kind} | {len(samples)} | {percentile(samples, 50):.0f} | "
            f"{percentile(samples, 95):.0f} | {percentile(samples, 99):.0f} |"
        )
    lost = counts["acknowledged"] - counts["stored"]
    extra = counts["after"] - counts["before"] - counts["acknowledged"]
    lines += [
        "",
        f"- Duration {seconds:.1f} s; {records} new entries, {records / seconds:.1f} entries/s; "
        f"{sum(len(s) for s in tally.latencies.values()) / seconds:.1f} requests/s in all.",
        f"- Errors: **{len(tally.errors)}**"
        + (f" (first: {tally.errors[0]})" if tally.errors else "")
        + ".",
        f"- Replays answered 200 without a second row: {tally.repeats_ok}.",
        f"- Entries: {counts['before']:,} before, {counts['after']:,} after; "
        f"{counts['acknowledged']} "
        f"acknowledged with 201, {counts['stored']} of them stored; lost **{lost}**, duplicated or "
        f"unexpected **{extra}**.",
        "- The run's entries were removed afterwards, leaving the dataset as it was.",
    ]
    return "\n".join(lines)


@click.command()
@click.option(
    "--database-url",
    default="postgresql://postgres@127.0.0.1:5432/stepladder_bench",
    show_default=True,
)
@click.option("--processes", default=4, show_default=True, help="gunicorn worker processes.")
@click.option("--workers", default=50, show_default=True)
@click.option("--supervisors", default=20, show_default=True)
@click.option("--records", default=30, show_default=True, help="Entries each worker records.")
@click.option(
    "--refreshes", default=15, show_default=True, help="Refreshes of each supervisor's Overview."
)
def main(
    database_url: str, processes: int, workers: int, supervisors: int, records: int, refreshes: int
) -> None:
    """Run the bounded load and write its section of results.md."""
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(Entry))
    engine.dispose()
    with Server(database_url, workers=processes) as server:
        tally, seconds = run_load(server.url, workers, supervisors, records, refreshes)
    counts = check_entries(database_url, tally, before)
    section = render(tally, seconds, counts, processes, workers, supervisors)
    write_section("load", section)
    click.echo(section)


if __name__ == "__main__":
    main()
