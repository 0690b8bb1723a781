"""Server-side benchmarks at a million entries, through the whole Flask stack.

    python benchmarks/run.py --database-url sqlite:///benchmarks/bench.sqlite \
        --database-url postgresql://postgres@127.0.0.1:5432/stepladder_bench

For each database it generates Benchmark Trust (1,000,000 entries, 20,000 people, 200
workers) unless it is already there, then times real requests with a signed-in session and
CSRF tokens: recording an entry, a person's page, My people, the Overview and its live
fragment, a quarter's export and the funder report (HTML and Excel). In the same run it
times a bare Flask endpoint doing one INSERT into the same table: the floor that the
record path is compared with.

Requests go through Flask's test client in this process, not over a socket: the targets
are server-side times, and on a two-core machine a separate load generator would take CPU
from the server it measures. The load run (benchmarks/load.py) covers real gunicorn
processes over HTTP.
"""

import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# Run as a script from anywhere: the repository root holds the `app` and `benchmarks` packages.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import click  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, delete, event, func, insert, select  # noqa: E402

from app.cli import settle_for_serving  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Entry, Funder, Organisation, Person, User, caseload  # noqa: E402
from app.models.clock import utcnow  # noqa: E402
from benchmarks.data import PASSWORD as BENCH_PASSWORD  # noqa: E402
from benchmarks.data import SUPERVISOR, existing_entry_count, generate, remove_entries  # noqa: E402
from benchmarks.report import machine, percentile, verdict, write_section  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Measure:
    """Samples of one kind of request, in milliseconds, and the SQL statements one request ran."""

    name: str
    samples: list[float] = field(default_factory=list)
    queries: int | None = None
    note: str = ""

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def per_second(self) -> float:
        """Sequential throughput: requests completed per second of request time."""
        return len(self.samples) / (sum(self.samples) / 1000)


@dataclass
class Run:
    database: str
    version: str
    entries: int
    measures: dict[str, Measure] = field(default_factory=dict)
    absent: dict[str, str] = field(default_factory=dict)  # what could not be measured, and why

    def add(self, measure: Measure) -> Measure:
        self.measures[measure.name] = measure
        return measure


class QueryCounter:
    """Counts the SQL statements sent to the database while it is switched on."""

    def __init__(self, engine):
        self.count = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        if self.on:
            self.count += 1

    def during(self, call: Callable) -> int:
        self.count, self.on = 0, True
        try:
            call()
        finally:
            self.on = False
        return self.count


# A slow page gets fewer samples rather than an endless run (never fewer than MIN_SAMPLES).
BUDGET_SECONDS = 40
MIN_SAMPLES = 5


def timed(call: Callable, times: int, warm_up: int = 3) -> list[float]:
    """Call `call` up to `times` times after `warm_up` untimed calls; each duration in ms."""
    for _ in range(warm_up):
        call()
    samples: list[float] = []
    spent = 0.0
    while len(samples) < times and (spent < BUDGET_SECONDS or len(samples) < MIN_SAMPLES):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
        spent += samples[-1] / 1000
    return samples


def timed_in_turn(calls: list[Callable], times: int, warm_up: int = 3) -> list[list[float]]:
    """Like `timed`, for calls to compare: one of each in turn, so a busy moment on the
    machine falls on all of them alike; each call's durations in ms."""
    for call in calls:
        for _ in range(warm_up):
            call()
    samples: list[list[float]] = [[] for _ in calls]
    spent = 0.0
    while len(samples[0]) < times and (spent < BUDGET_SECONDS or len(samples[0]) < MIN_SAMPLES):
        for call, durations in zip(calls, samples, strict=True):
            start = time.perf_counter()
            call()
            durations.append((time.perf_counter() - start) * 1000)
            spent += durations[-1] / 1000
    return samples


def _csrf(response) -> str:
    match = CSRF.search(response.get_data(as_text=True))
    if match is None:
        raise RuntimeError(f"no CSRF token on the page (status {response.status_code})")
    return match.group(1)


def signed_in(app: Flask, email: str):
    """A test client signed in through the real sign-in form."""
    client = app.test_client()
    token = _csrf(client.get("/sign-in"))
    response = client.post(
        "/sign-in", data=dict(email=email, password=BENCH_PASSWORD, csrf_token=token)
    )
    if response.status_code != 303:
        raise RuntimeError(f"could not sign in as {email} (status {response.status_code})")
    return client


def _expect(response, status: int, what: str):
    if response.status_code != status:
        raise RuntimeError(f"{what}: expected {status}, got {response.status_code}")
    return response


def last_full_quarter(today: date) -> tuple[date, date, str]:
    """First and last day of the quarter before today's, and its report code (e.g. 2026-Q2)."""
    last = date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)
    first = date(last.year, (last.month - 1) // 3 * 3 + 1, 1)
    return first, last, f"{first.year}-Q{(first.month - 1) // 3 + 1}"


def busiest_worker() -> User:
    """The worker with the largest caseload: the slowest My people and the most to scan."""
    return db.session.scalar(
        select(User)
        .join(caseload, caseload.c.user_id == User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.name == "Benchmark Trust", User.role == "worker")
        .group_by(User.id)
        .order_by(func.count().desc(), User.id)
        .limit(1)
    )


def measure(app: Flask, requests: int = 300, downloads: int = 5, run: Run | None = None) -> Run:
    """Time every page and action named in the targets; leave the dataset as it was found."""
    with app.app_context():
        dialect = db.engine.dialect.name
        version = (
            db.session.scalar(select(func.sqlite_version()))
            if dialect == "sqlite"
            else (db.session.scalar(select(func.version())).split(",")[0])
        )
        run = run or Run(dialect, version, existing_entry_count() or 0)
        worker = busiest_worker()
        people = list(
            db.session.scalars(
                select(Person.id)
                .join(caseload, caseload.c.person_id == Person.id)
                .where(caseload.c.user_id == worker.id, Person.status == "active")
                .order_by(Person.id)
                .limit(40)
            )
        )
        funder_id = db.session.scalar(
            select(Funder.id).join(Organisation).where(Organisation.name == "Benchmark Trust")
        )
        counter = QueryCounter(db.engine)
        worker_email = worker.email
    try:
        _measure_worker(app, run, counter, worker_email, people, requests)
        _measure_office(app, run, counter, funder_id, requests, downloads)
        _measure_floor(app, run, people[0], requests)
    finally:
        _remove_benchmark_entries(app, run)
    return run


_made: list[uuid.UUID] = []  # entries this run recorded, removed afterwards
_bare: list[uuid.UUID] = []  # rows the floor wrote past the app (and the rollup)
DETAILED = "Record with how and how long (POST, htmx)"


def _measure_worker(app, run: Run, counter: QueryCounter, email: str, people: list[int], n: int):
    client = signed_in(app, email)
    pages = {p: client.get(f"/people/{p}") for p in people}
    csrf = _csrf(next(iter(pages.values())))
    rungs = {
        p: re.findall(r'value="step:(\d+)"', r.get_data(as_text=True)) for p, r in pages.items()
    }
    activity = re.search(
        r'name="activity"[^>]*value="(\d+)"', next(iter(pages.values())).get_data(as_text=True)
    )

    def recorder(**detail: str) -> Callable[[], None]:
        """Taps by turn: half steps, half "Seen today"; `detail` adds how and how long."""
        turn = iter(range(10**9))

        def record() -> None:
            i = next(turn)
            person = people[i % len(people)]
            # The top rung of the first ladder: never below where the person stands, however
            # many times it is tapped (a lower rung would ask first, not record).
            action = f"step:{rungs[person][0]}" if rungs[person] and i % 2 else "seen"
            entry_id = uuid.uuid4()
            _made.append(entry_id)
            response = client.post(
                f"/people/{person}/entries",
                data=dict(
                    csrf_token=csrf,
                    id=str(entry_id),
                    recorded_at="",
                    action=action,
                    activity=activity.group(1) if activity else "",
                    **detail,
                ),
                headers={"HX-Request": "true", "HX-Target": "recorder"},
            )
            _expect(response, 201, "record an entry")

        return record

    record = recorder()
    # One mode throughout: only a change of the worker's last mode costs an UPDATE, and the
    # warm-up takes it, as a worker's first contact of a new kind would.
    record_with_detail = recorder(mode="phone", minutes="20")
    turn = iter(range(10**9))

    def person_page() -> None:
        _expect(client.get(f"/people/{people[next(turn) % len(people)]}"), 200, "person page")

    # The same taps with how (phone) and how long (20 minutes): the optional detail must not
    # slow the two-tap step down, so the two are timed turn about, under the same load.
    plain_samples, detailed_samples = timed_in_turn([record, record_with_detail], n)
    recording = run.add(Measure("Record an entry (POST, htmx)", plain_samples))
    with app.app_context():
        recording.queries = counter.during(record)
    detailed = run.add(Measure(DETAILED, detailed_samples))
    with app.app_context():
        detailed.queries = counter.during(record_with_detail)
    detailed.note = "mode and minutes on each"
    page = run.add(Measure("Person page", timed(person_page, n)))
    with app.app_context():
        page.queries = counter.during(person_page)
    mine = run.add(
        Measure(
            "My people (largest caseload)",
            timed(lambda: _expect(client.get("/people"), 200, "My people"), n),
        )
    )
    with app.app_context():
        mine.queries = counter.during(lambda: client.get("/people"))
    mine.note = f"{len(people)}+ people"


def _measure_office(app, run: Run, counter: QueryCounter, funder_id, n: int, downloads: int):
    client = signed_in(app, SUPERVISOR)
    live = {"HX-Request": "true", "HX-Target": "live"}
    board = run.add(
        Measure(
            "Overview page", timed(lambda: _expect(client.get("/overview/"), 200, "Overview"), n)
        )
    )
    fragment = run.add(
        Measure(
            "Overview refresh (live fragment)",
            timed(
                lambda: _expect(client.get("/overview/", headers=live), 200, "Overview fragment"),
                n,
            ),
        )
    )
    # The page's own poll sends the version it holds; when the log has not changed the
    # server answers 204 without counting anything. Both answers are measured.
    held = {
        **live,
        "X-Stepladder-Version": client.get("/overview/", headers=live).headers.get(
            "X-Stepladder-Version", ""
        ),
    }
    unchanged = run.add(
        Measure(
            "Overview poll, nothing new (204)",
            timed(lambda: client.get("/overview/", headers=held), n),
        )
    )
    with app.app_context():
        board.queries = counter.during(lambda: client.get("/overview/"))
        fragment.queries = counter.during(lambda: client.get("/overview/", headers=live))
        unchanged.queries = counter.during(lambda: client.get("/overview/", headers=held))
    unchanged.note = f"answered {client.get('/overview/', headers=held).status_code}"
    with app.app_context():
        from app.local_time import local_today

        first, last, code = last_full_quarter(local_today())
    sizes = []

    def export() -> None:
        response = _expect(client.get(f"/export/entries.csv?from={first}&to={last}"), 200, "export")
        sizes.append(response.get_data().count(b"\n") - 1)

    exported = run.add(Measure("Export a quarter (CSV)", timed(export, downloads, warm_up=1)))
    exported.note = f"{sizes[-1]:,} rows, {first} to {last}"
    if "reports.report" not in app.view_functions:
        run.absent["Funder report"] = "the /reports area is not in this build"
        return
    if funder_id is None:
        run.absent["Funder report"] = (
            "Benchmark Trust has no funder (generated by an older version)"
        )
        return
    html = run.add(
        Measure(
            "Funder report, a quarter (HTML)",
            timed(
                lambda: _expect(client.get(f"/reports/{funder_id}?period={code}"), 200, "report"),
                downloads,
                warm_up=1,
            ),
        )
    )
    html.note = code
    xlsx = run.add(
        Measure(
            "Funder report, a quarter (Excel)",
            timed(
                lambda: _expect(
                    client.get(f"/reports/{funder_id}/report.xlsx?period={code}"),
                    200,
                    "Excel report",
                ),
                downloads,
                warm_up=1,
            ),
        )
    )
    xlsx.note = code


def _measure_floor(app, run: Run, person_id: int, n: int) -> None:
    """A bare Flask app whose one view inserts one entry row: the fastest a record could be."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        person = db.session.get(Person, person_id)
        template = dict(
            organisation_id=person.organisation_id,
            person_id=person.id,
            worker_id=person.key_workers[0].id,
            kind="seen",
            note="",
            shareable=False,
            reason="",
        )
    bare = Flask("floor")

    @bare.post("/floor")
    def floor():
        """One INSERT, committed; nothing else."""
        entry_id = uuid.uuid4()
        _bare.append(entry_id)
        now = utcnow()
        with engine.begin() as connection:
            connection.execute(
                insert(Entry.__table__).values(
                    id=entry_id, recorded_at=now, received_at=now, **template
                )
            )
        return "", 201

    client = bare.test_client()
    run.add(
        Measure(
            "Floor: bare Flask, one INSERT",
            timed(lambda: _expect(client.post("/floor"), 201, "floor"), n),
        )
    )
    engine.dispose()


def _remove_benchmark_entries(app: Flask, run: Run) -> None:
    """Delete what the run recorded, so every run starts from the same million entries."""
    with app.app_context():
        remove_entries(_made)
        # The floor's rows were written past the app, so the rollup never counted them.
        for start in range(0, len(_bare), 500):
            db.session.execute(delete(Entry).where(Entry.id.in_(_bare[start : start + 500])))
        db.session.commit()
    _bare.clear()
    _made.clear()


# --- the report ------------------------------------------------------------------------------

TARGETS = {
    "Record an entry (POST, htmx)": {"sqlite": (5, 15), "postgresql": (None, 30)},
    DETAILED: {"sqlite": (5, 15), "postgresql": (None, 30)},
    "Person page": {"*": (None, 20)},
    # The brief's "dashboard refresh" is the Overview's live fragment.
    "Overview refresh (live fragment)": {"*": (None, 50)},
    "Funder report, a quarter (HTML)": {"*": (None, 1000)},
    "Funder report, a quarter (Excel)": {"*": (None, 3000)},
}


def _target(name: str, database: str) -> tuple:
    targets = TARGETS.get(name, {})
    return targets.get(database) or targets.get("*") or (None, None)


def render(run: Run) -> str:
    """The run as Markdown: figures, the ratio to the floor, and each target's verdict."""
    lines = [
        f"## Server side on {run.database} ({run.version}), {run.entries:,} entries",
        "",
        f"Machine: {machine()}.",
        "",
        "| request | n | p50 ms | p95 ms | per second | SQL statements | target | verdict | note |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for m in run.measures.values():
        p50_target, p95_target = _target(m.name, run.database)
        target = " ".join(
            filter(
                None,
                [
                    f"p50 < {p50_target}" if p50_target else "",
                    f"p95 < {p95_target}" if p95_target else "",
                ],
            )
        )
        verdicts = []
        if p50_target:
            verdicts.append(verdict(m.p50, p50_target))
        if p95_target:
            verdicts.append(verdict(m.p95, p95_target))
        lines.append(
            f"| {m.name} | {len(m.samples)} | {m.p50:.1f} | {m.p95:.1f} | {m.per_second:.0f} | "
            f"{'' if m.queries is None else m.queries} | {target} | {', '.join(verdicts)} | "
            f"{m.note} |"
        )
    for name, why in run.absent.items():
        lines.append(f"| {name} | – | – | – | – | – | | not measured | {why} |")
    record = run.measures.get("Record an entry (POST, htmx)")
    floor = run.measures.get("Floor: bare Flask, one INSERT")
    if record and floor:
        ratio = record.per_second / floor.per_second
        lines += [
            "",
            f"Record throughput is **{ratio:.2f}×** the floor's in the same run "
            f"({record.per_second:.0f}/s against {floor.per_second:.0f}/s; target at least 0.5×: "
            f"{'met' if ratio >= 0.5 else '**missed**'}).",
        ]
    detailed = run.measures.get(DETAILED)
    if record and detailed:
        lines += [
            "",
            f"With how and how long the record path's p50 is {detailed.p50 - record.p50:+.1f} ms "
            f"and its p95 {detailed.p95 - record.p95:+.1f} ms against the plain tap in the same "
            f"run, in {detailed.queries} statements against {record.queries}.",
        ]
    return "\n".join(lines)


def prepare(url: str, entries: int, people: int, workers: int) -> Flask:
    """An app on `url`, migrated, holding Benchmark Trust (generated only if it is missing)."""
    from app import create_app

    # Flask-SQLAlchemy reads a relative SQLite path against the instance folder; the command
    # line means the current directory.
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = "sqlite:///" + str(Path(url.removeprefix("sqlite:///")).resolve())
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})
    with app.app_context():
        upgrade()
        have = existing_entry_count()
        if have is None:
            with click.progressbar(length=entries, label="Generating entries") as bar:
                generate(entries, people, workers, progress=bar.update)
        elif have != entries:
            click.echo(f"Reusing Benchmark Trust with {have:,} entries (not {entries:,}).")
    return app


@click.command()
@click.option(
    "--database-url", "urls", multiple=True, required=True, help="Repeat for each database."
)
@click.option("--entries", default=1_000_000, show_default=True)
@click.option("--people", default=20_000, show_default=True)
@click.option("--workers", default=200, show_default=True)
@click.option(
    "--requests", default=300, show_default=True, help="Timed requests per page or action."
)
@click.option("--downloads", default=5, show_default=True, help="Timed exports and reports.")
@click.option(
    "--section",
    default="server",
    show_default=True,
    help="results.md section prefix: a smaller dataset's run must not replace the million's.",
)
def main(
    urls, entries: int, people: int, workers: int, requests: int, downloads: int, section: str
) -> None:
    """Generate or reuse the dataset on each database, time every request, write results.md."""
    os.environ.setdefault("STEPLADDER_INSTANCE_PATH", tempfile.mkdtemp(prefix="stepladder-bench-"))
    for url in urls:
        app = prepare(url, entries, people, workers)
        settle_for_serving()  # as `stepladder serve` does before its workers start
        run = measure(app, requests=requests, downloads=downloads)
        markdown = render(run)
        write_section(f"{section}-{run.database}", markdown)
        click.echo(markdown + "\n")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
