"""An open-loop load run: arrivals on a schedule, not waiting for answers, over real HTTP.

    python benchmarks/load_open.py [--database-url postgresql://...] [--seconds 60]
        [--rate 1] [--warmup 20]

The closed-loop run (load.py) sends each request the moment the last one returns, so it
measures saturation. This one offers a fixed load, as real phones do: 50 workers each
recording on average every 5 s (Poisson arrivals: each visit opens the person's page and
taps "Seen today", one in ten sent twice as a replay would) and 20 supervisors' Overview
pages polling every 3 s, whatever the server is doing. Page views and polls are timed from
their scheduled start, so a server (or a client) that falls behind shows up in the figures
rather than slowing the offered load down; a tap is timed from when it is sent, after its
page. `--rate 2` doubles every arrival rate; `--sweep` raises it step by step until the
record p95 crosses 1 s, giving the saturation throughput. The timed run follows `--warmup`
seconds (20) of the same load, whose figures are reported apart. It reports how much of the
machine's cores the load generator itself used, then checks that every acknowledged entry is
stored exactly once and removes them.
"""

import heapq
import os
import random
import resource
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.client import RemoteDisconnected
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import click  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

from app.config import normalise_database_url  # noqa: E402
from app.models import Entry  # noqa: E402
from benchmarks.data import SUPERVISOR, worker_email  # noqa: E402
from benchmarks.load import PERSON_LINK, Tally, check_entries, session_for  # noqa: E402
from benchmarks.report import machine, percentile, verdict, write_section  # noqa: E402
from benchmarks.server import Server  # noqa: E402

RECORD_EVERY_SECONDS = 5.0  # each worker, on average
POLL_EVERY_SECONDS = 3.0  # each Overview page, as it polls


class Phone:
    """One signed-in worker's HTTP session and the people on their caseload."""

    def __init__(self, base: str, email: str):
        self.http, self.token = session_for(base, email)
        self.people = PERSON_LINK.findall(self.http.get(base + "/people").text)[:10]
        self.visits = 0
        self.lock = threading.Lock()  # a requests.Session is not safe across threads


class Screen:
    """One supervisor's Overview session and the log version it last saw."""

    def __init__(self, base: str):
        self.http, _ = session_for(base, SUPERVISOR)
        self.headers = {"HX-Request": "true", "HX-Target": "live"}
        self.lock = threading.Lock()


def _was_reset(problem: BaseException) -> bool:
    """Whether a failed request's cause was the server closing the connection before any
    answer (a reset, or closed with no response), however deep requests wrapped it."""
    if isinstance(problem, (ConnectionResetError, RemoteDisconnected)):
        return True
    return any(isinstance(arg, BaseException) and _was_reset(arg) for arg in problem.args)


def send(http: requests.Session, tally: Tally, method: str, url: str, **kwargs):
    """One request, sent again once if the connection was reset before any answer came.

    A browser does the same when the kept-alive connection it reuses turns out to have been
    closed by the server just as the request went out (keep-alive's race: gunicorn closes a
    connection idle for its keep-alive time, and a Poisson client sends into that moment now
    and then; RFC 9112 section 9.3.1). A tap is safe to send again, being exactly once by its
    UUID, and the check afterwards would show one stored twice. Each resend is counted and
    reported beside the errors; a second failure is an error."""
    try:
        return http.request(method, url, **kwargs)
    except requests.ConnectionError as problem:
        if not _was_reset(problem):
            raise
        tally.resend(f"{method} {url.split('/', 3)[-1]}: {problem}")
        return http.request(method, url, **kwargs)


def visit(base: str, phone: Phone, due: float, tally: Tally) -> None:
    """Open a person's page and record "Seen today"; one visit in ten replays its POST."""
    with phone.lock:
        n = phone.visits
        phone.visits += 1
        person = phone.people[n % len(phone.people)]
        try:
            page = send(phone.http, tally, "GET", f"{base}/people/{person}")
            tally.time("person page", (time.perf_counter() - due) * 1000)
            if page.status_code != 200:
                tally.error(f"person page {page.status_code}")
                return
            entry_id = str(uuid.uuid4())
            form = dict(csrf_token=phone.token, id=entry_id, recorded_at="", action="seen")
            headers = {"HX-Request": "true", "HX-Target": "recorder"}
            for attempt in range(2 if n % 10 == 0 else 1):
                sent = time.perf_counter()
                response = send(
                    phone.http,
                    tally,
                    "POST",
                    f"{base}/people/{person}/entries",
                    data=form,
                    headers=headers,
                )
                # Timed from the tap: the page view before it is timed from the schedule.
                tally.time("record", (time.perf_counter() - sent) * 1000)
                expected = 201 if attempt == 0 else 200
                if response.status_code != expected:
                    tally.error(f"record attempt {attempt + 1}: {response.status_code}")
                elif attempt == 0:
                    with tally.lock:
                        tally.acknowledged.add(entry_id)
                else:
                    with tally.lock:
                        tally.repeats_ok += 1
        except requests.RequestException as problem:
            tally.error(f"visit: {problem}")


def poll(base: str, screen: Screen, due: float, tally: Tally) -> None:
    """One Overview poll, sending back the version it holds (204 when nothing changed)."""
    with screen.lock:
        try:
            response = send(screen.http, tally, "GET", base + "/overview/", headers=screen.headers)
        except requests.RequestException as problem:
            tally.error(f"Overview: {problem}")
            return
        kind = (
            "Overview poll, nothing new (204)"
            if response.status_code == 204
            else ("Overview refresh")
        )
        tally.time(kind, (time.perf_counter() - due) * 1000)
        if response.status_code not in (200, 204):
            tally.error(f"Overview {response.status_code}")
        if version := response.headers.get("X-Stepladder-Version"):
            screen.headers["X-Stepladder-Version"] = version


def schedule(phones, screens, seconds: float, rate: float, seed: int) -> list:
    """Every arrival of the run, as (offset in seconds, kind, index), in time order."""
    rng = random.Random(seed)
    arrivals = []
    for i in range(len(phones)):
        t = rng.expovariate(rate / RECORD_EVERY_SECONDS)
        while t < seconds:
            arrivals.append((t, "visit", i))
            t += rng.expovariate(rate / RECORD_EVERY_SECONDS)
    for i in range(len(screens)):
        t = rng.uniform(0, POLL_EVERY_SECONDS / rate)  # Overview pages opened at different moments
        while t < seconds:
            arrivals.append((t, "poll", i))
            t += POLL_EVERY_SECONDS / rate
    heapq.heapify(arrivals)
    return [heapq.heappop(arrivals) for _ in range(len(arrivals))]


def run_open(base: str, phones, screens, seconds: float, rate: float, seed: int) -> dict:
    """Send the schedule's arrivals on time from a pool of threads; gather what came back."""
    tally = Tally()
    lateness = []  # how late the generator dispatched each arrival: it must keep up
    arrivals = schedule(phones, screens, seconds, rate, seed)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(phones) + len(screens)) as pool:
        for offset, kind, index in arrivals:
            due = began + offset
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            lateness.append((time.perf_counter() - due) * 1000)
            if kind == "visit":
                pool.submit(visit, base, phones[index], due, tally)
            else:
                pool.submit(poll, base, screens[index], due, tally)
    wall = time.perf_counter() - began
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    requests_sent = sum(len(s) for s in tally.latencies.values())
    return dict(
        tally=tally,
        wall=wall,
        rate=rate,
        arrivals=len(arrivals),
        requests_per_second=requests_sent / wall,
        dispatch_p95=percentile(lateness, 95) if lateness else 0.0,
        generator_cores=cpu / wall,
    )


def _p95s(tally: Tally) -> tuple[float, float]:
    """Record p95 and Overview p95 (refreshes and unchanged polls together), in ms."""
    refresh = tally.latencies.get("Overview refresh", []) + tally.latencies.get(
        "Overview poll, nothing new (204)", []
    )
    record = tally.latencies.get("record", [])
    return (
        percentile(record, 95) if record else 0.0,
        percentile(refresh, 95) if refresh else 0.0,
    )


def render(
    runs: list[dict], counts: dict, processes: int, seconds: float, warm, warmup: float
) -> str:
    base = runs[0]
    tally = base["tally"]
    lines = [
        "## Open-loop load run: PostgreSQL behind `stepladder serve`",
        "",
        f"Machine: {machine()}. `stepladder serve --workers {processes}`; {seconds:.0f} s of "
        f"arrivals on a schedule: {len(base['phones'])} workers each recording on average "
        f"every {RECORD_EVERY_SECONDS:.0f} s (Poisson) and {len(base['screens'])} Overview pages "
        f"polling every {POLL_EVERY_SECONDS:.0f} s, from one client process on the same cores.",
    ]
    if warm is not None:
        warm_record, warm_refresh = _p95s(warm["tally"])
        lines += [
            "",
            f"The table follows {warmup:.0f} s of the same load just after the processes "
            f"started, timed apart: record p95 {warm_record:.0f} ms, Overview p95 "
            f"{warm_refresh:.0f} ms, {len(warm['tally'].errors)} errors"
            + (f" (first: {warm['tally'].errors[0]})" if warm["tally"].errors else "")
            + "; each process's first Overview builds its cache of the history, once.",
        ]
    lines += [
        "",
        "| request | n | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, samples in sorted(tally.latencies.items()):
        lines.append(
            f"| {kind} | {len(samples)} | {percentile(samples, 50):.0f} | "
            f"{percentile(samples, 95):.0f} | {percentile(samples, 99):.0f} |"
        )
    record_p95, refresh_p95 = _p95s(tally)
    lost = counts["acknowledged"] - counts["stored"]
    extra = counts["after"] - counts["before"] - counts["acknowledged"]
    lines += [
        "",
        f"- Errors: **{len(tally.errors)}**"
        + (f" (first: {tally.errors[0]})" if tally.errors else "")
        + f"; lost **{lost}**, duplicated or unexpected **{extra}** "
        f"({counts['acknowledged']} acknowledged, {counts['stored']} stored); "
        f"replays answered 200: {tally.repeats_ok}; sent again after the server closed a "
        f"kept-alive connection as the request went out (as a browser does, see `send`): "
        f"{len(tally.resent)}" + (f" (first: {tally.resent[0]})" if tally.resent else "") + ".",
        f"- Record p95 {record_p95:.0f} ms (target < 250 ms: {verdict(record_p95, 250)}); "
        f"Overview p95 {refresh_p95:.0f} ms (target < 500 ms: {verdict(refresh_p95, 500)}).",
        f"- {base['requests_per_second']:.1f} requests/s offered and answered; the generator "
        f"dispatched arrivals with p95 lateness {base['dispatch_p95']:.1f} ms and used "
        f"{base['generator_cores']:.2f} of the machine's {os.cpu_count()} cores itself.",
    ]
    if len(runs) > 1:
        lines += ["", "Sweep (each rate a multiple of the offered load above):", ""]
        lines += ["| rate | requests/s | record p95 ms | errors |", "|---:|---:|---:|---:|"]
        for run in runs:
            p95 = percentile(run["tally"].latencies.get("record", [0.0]), 95)
            lines.append(
                f"| {run['rate']:g}× | {run['requests_per_second']:.1f} | {p95:.0f} | "
                f"{len(run['tally'].errors)} |"
            )
        crossed = [r for r in runs if percentile(r["tally"].latencies["record"], 95) > 1000]
        lines.append("")
        lines.append(
            f"- Saturation: record p95 crossed 1 s at {crossed[0]['requests_per_second']:.1f} "
            "requests/s."
            if crossed
            else "- Saturation: record p95 stayed under 1 s at every rate tried."
        )
    lines.append("- The run's entries were removed afterwards, leaving the dataset as it was.")
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
@click.option("--seconds", default=60.0, show_default=True, help="Length of each run.")
@click.option("--rate", default=1.0, show_default=True, help="Multiple of the offered load.")
@click.option("--sweep", is_flag=True, help="Double the rate until record p95 passes 1 s.")
@click.option("--seed", default=7, show_default=True)
@click.option(
    "--warmup", default=20.0, show_default=True, help="Seconds of load before the timed run."
)
def main(database_url, processes, workers, supervisors, seconds, rate, sweep, seed, warmup):
    """Run the open-loop load (and optionally the sweep) and write its section of results.md."""
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(Entry))
    engine.dispose()
    runs = []
    acknowledged = Tally()
    with Server(database_url, workers=processes) as server:
        phones = [Phone(server.url, worker_email(n)) for n in range(1, workers + 1)]
        screens = [Screen(server.url) for _ in range(supervisors)]
        warm = None
        if warmup > 0:
            # The same offered load, untimed in the table: each new app process builds its
            # caches of the history on its first Overview (seconds at a million entries), a
            # cost a long-running service pays once per process, not on every poll. Its
            # figures are shown beside the table rather than dropped.
            warm = run_open(server.url, phones, screens, warmup, rate, seed - 1)
            acknowledged.acknowledged |= warm["tally"].acknowledged
        while True:
            run = run_open(server.url, phones, screens, seconds, rate, seed + len(runs))
            run.update(phones=phones, screens=screens)
            runs.append(run)
            acknowledged.acknowledged |= run["tally"].acknowledged
            record = run["tally"].latencies.get("record", [0.0])
            if not sweep or percentile(record, 95) > 1000 or rate >= 64:
                break
            rate *= 2
    counts = check_entries(database_url, acknowledged, before)
    section = render(runs, counts, processes, seconds, warm, warmup)
    write_section("load-open", section)
    click.echo(section)


if __name__ == "__main__":
    main()
