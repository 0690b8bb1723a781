"""The supervisor's Overview over the entry log: periods, breakdowns, attention, weekly steps.

Everything here counts through `queries.effective()` and `queries._filters()`, the same
conditions the export and the reports use, so no two screens can disagree. Each query is
shaped for an index (see docs/overview.md for the plans checked).
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal, select

from app import local_time, params
from app.access import argument_row
from app.entries import figures, queries
from app.entries.queries import _filters, effective
from app.extensions import db, plain_rows
from app.models import Activity, Entry, Organisation, Outcome, Person, User
from app.models.clock import utcnow

# An entry committed a moment after a later-stamped one would not move max(received_at);
# counting the last hour's arrivals as well catches it (a commit is never an hour late).
RECENT_WINDOW = timedelta(hours=1)


@dataclass
class Filters(queries.LogFilters):
    """What the supervisor narrowed the dashboard to; kept in the URL's query string."""

    activity_id: int | None = None

    def entry_filters(self) -> dict:
        """The worker/activity/outcome part, in the keywords `queries._filters` takes."""
        return dict(
            worker_id=self.worker_id, activity_id=self.activity_id, outcome_id=self.outcome_id
        )

    def query_args(self) -> dict:
        """The filters as URL query arguments (empty ones left out)."""
        args = dict(
            worker=self.worker_id,
            activity=self.activity_id,
            outcome=self.outcome_id,
            **{"from": self.first, "to": self.last},
        )
        return {k: str(v) for k, v in args.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.query_args())


def parse_filters(args, organisation_id: int) -> Filters:
    """Read filters from query arguments; ids outside the organisation and bad dates are
    dropped with a plain message rather than silently showing nothing."""
    found = Filters()
    choices = {
        "worker": (User, "worker_id", "That worker"),
        "activity": (Activity, "activity_id", "That activity"),
        "outcome": (Outcome, "outcome_id", "That outcome"),
    }
    for name, (model, attr, what) in choices.items():
        if row := argument_row(args, name, model, organisation_id, what, found.problems):
            setattr(found, attr, row.id)
    for name, attr in (("from", "first"), ("to", "last")):
        try:
            setattr(found, attr, params.parse_date(args.get(name)))
        except params.ParamError as problem:
            found.problems.append(f"{problem} It is not applied.")
    if found.first and found.last and found.last < found.first:
        found.problems.append("The end date is before the start date; the dates are not applied.")
        found.first = found.last = None
    return found


def periods(today: date) -> dict[str, tuple[datetime, datetime]]:
    """Naive-UTC bounds of today, this week (from Monday) and this month, in local days."""
    week_start = today - timedelta(days=today.weekday())
    return {
        "today": local_time.day_bounds(today, today),
        "week": local_time.day_bounds(week_start, today),
        "month": local_time.day_bounds(today.replace(day=1), today),
    }


def chosen_range(filters: Filters, today: date) -> tuple[date, date]:
    """The date range the breakdowns and feed cover: the filter's, else this month so far."""
    last = filters.last or max(filters.first or today, today)
    first = filters.first or last.replace(day=1)
    return first, last


# --- live updates -------------------------------------------------------------------------


def log_version(organisation_id: int, now: datetime | None = None) -> tuple:
    """What changes whenever the organisation's log does: the newest arrival and the count of
    the last hour's arrivals. The log is append-only (voids and corrections are new entries),
    so these two index-range look-ups see every change."""
    now = now or utcnow()
    newest, recent = db.session.execute(
        select(
            select(func.max(Entry.received_at))
            .where(Entry.organisation_id == organisation_id)
            .scalar_subquery(),
            select(func.count())
            .select_from(Entry)
            .where(
                Entry.organisation_id == organisation_id,
                Entry.received_at >= now - RECENT_WINDOW,
            )
            .scalar_subquery(),
        )
    ).one()
    return newest, recent


def dashboard_etag(
    organisation_id: int, today: date, query_string: str, version: tuple | None = None
) -> str:
    """A short fingerprint of everything the live region depends on: the log's version, the
    local day (counts roll over at midnight) and the filters. Pass `version` when one request
    builds several fingerprints, so the log is looked up once."""
    version = version if version is not None else log_version(organisation_id)
    raw = repr((organisation_id, version, today, query_string))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


# --- attention ------------------------------------------------------------------------------


@dataclass
class Attention:
    not_seen: list[tuple[Person, datetime | None]]
    setbacks: list[tuple[Person, datetime]]
    idle_workers: list[User]
    not_seen_days: int


def not_seen_before(org: Organisation, today: date) -> datetime:
    """People last seen before this instant have not been seen for `not_seen_days` or more.
    Days are local calendar days: seen on the day exactly N days ago counts as N days."""
    return local_time.day_bounds(today - timedelta(days=org.not_seen_days - 1), today)[0]


def attention(org: Organisation, today: date, limit: int = 50, active=None) -> Attention:
    """Active people not seen for N days (or never, if added that long ago), active people
    whose latest entry is a setback, and active workers with no entries this week (`active`:
    `queries.active_people`, when the page has read them)."""
    threshold = not_seen_before(org, today)
    today_start = local_time.day_bounds(today, today)[0]
    # Where each person's latest entry stands changes only with today's entries while the
    # history is unchanged, so the walk over every person's newest entry before today (most
    # of the Overview page's cost) is kept per history version, as the figures are.
    before_today = figures.cached_history(
        org.id, today, ("attention",), lambda: _latest_before(org.id, today_start), {}
    )
    latest_today = {
        person_id: (at, kind)
        for person_id, at, kind in plain_rows(
            select(Entry.person_id, Entry.recorded_at, Entry.kind)
            .where(Entry.organisation_id == org.id, Entry.recorded_at >= today_start, effective())
            .order_by(Entry.recorded_at)
        )
    }
    if active is None:
        active = queries.active_people(org.id)
    not_seen_ids, setback_ids = [], []
    for person_id, created_at, *_ in active:
        last = latest_today.get(person_id) or before_today.get(person_id)
        if last is None:
            if created_at < threshold:
                not_seen_ids.append((None, person_id))
            continue
        at, kind = last
        if at < threshold:
            not_seen_ids.append((at, person_id))
        if kind == "setback":
            setback_ids.append((at, person_id))
    # Never seen first, then longest unseen; setbacks most recent first.
    not_seen_ids.sort(key=lambda pair: (pair[0] is not None, pair[0] or datetime.min))
    setback_ids.sort(key=lambda pair: pair[0], reverse=True)
    not_seen_ids, setback_ids = not_seen_ids[:limit], setback_ids[:limit]
    wanted = {pid for _, pid in not_seen_ids + setback_ids}
    people = (
        {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(wanted)))}
        if wanted
        else {}
    )
    not_seen = [(people[pid], at) for at, pid in not_seen_ids]
    setbacks = [(people[pid], at) for at, pid in setback_ids]
    week_start, week_end = periods(today)["week"]
    busy = (
        select(literal(1))
        .where(
            Entry.worker_id == User.id,
            Entry.recorded_at >= week_start,
            Entry.recorded_at < week_end,
            effective(),
        )
        .correlate(User)
        .exists()
    )
    idle = list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == org.id, User.role == "worker", User.active, ~busy)
            .order_by(User.name)
        )
    )
    return Attention(not_seen, setbacks, idle, org.not_seen_days)


def _latest_before(organisation_id: int, before: datetime) -> dict[int, tuple[datetime, str]]:
    """(recorded_at, kind) of each person's latest effective entry recorded before `before`,
    for every person of the organisation who has one."""
    # Two steps rather than one join: a join on the subquery's result makes PostgreSQL hash
    # the whole entry table; fetching the latest entries by primary key stays cheap.
    latest_ids = db.session.scalars(
        select(queries.latest_effective(Person.id, Entry.id, before=before)).where(
            Person.organisation_id == organisation_id
        )
    ).all()
    entry_ids = [entry_id for entry_id in latest_ids if entry_id is not None]
    found = {}
    for chunk in range(0, len(entry_ids), 500):
        found.update(
            (person_id, (at, kind))
            for person_id, at, kind in db.session.execute(
                select(Entry.person_id, Entry.recorded_at, Entry.kind).where(
                    Entry.id.in_(entry_ids[chunk : chunk + 500])
                )
            )
        )
    return found


def feed(organisation_id: int, filters: Filters, today: date, limit: int = 20) -> list[Entry]:
    """The live feed: the latest entries by when they happened (an offline entry takes its
    place in time, marked as arrived late), voids included (they are shown struck through);
    with a date range, the latest recorded within it."""
    conditions = [Entry.organisation_id == organisation_id, *_filters(**filters.entry_filters())]
    if filters.first or filters.last:
        start, end = local_time.day_bounds(*chosen_range(filters, today))
        conditions += [Entry.recorded_at >= start, Entry.recorded_at < end]
    return queries.newest_entries(conditions, limit, also=(Entry.person,))
