"""People lists that help: My people and the office's People list, filtered and ordered.

A filter the request cannot use (an id of no one in the organisation, a number of days that is
not a number) is dropped with a message in words, never a server error or a silently empty list.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select

from app import local_time, params
from app.access import argument_row
from app.entries import queries
from app.extensions import db
from app.models import Outcome, Person, Plan, User, caseload

# The choices of "not seen for", in days; a person never seen counts as not seen.
NOT_SEEN_CHOICES = (7, 14, 30, 60)
ORDERS = {"recent": "Seen most recently first", "longest": "Not seen longest first"}
STATUSES = {"active": "Active", "closed": "Closed", "all": "Active and closed"}
LIMIT = 500


@dataclass
class PeopleFilters:
    """What the list is narrowed to and how it is ordered; kept in the URL's query string."""

    search: str = ""
    key_worker_id: int | None = None
    not_seen_days: int | None = None
    outcome_id: int | None = None
    status: str = "active"
    order: str = "recent"
    problems: list[str] = field(default_factory=list)

    @property
    def narrowed(self) -> bool:
        """True when anything but the search narrows the list."""
        return bool(
            self.key_worker_id or self.not_seen_days or self.outcome_id or self.status != "active"
        )


def parse(args, organisation_id: int, office: bool) -> PeopleFilters:
    """Read the list's filters from query arguments; key worker and status are office choices."""
    found = PeopleFilters(search=(args.get("q") or "")[:100])
    order = args.get("order") or "recent"
    if order in ORDERS:
        found.order = order
    else:
        found.problems.append("That order is not one of the choices, so the usual one is used.")
    if raw := (args.get("seen") or "").strip():
        days = params.parse_id(raw)
        if days is None or days > 3660:
            found.problems.append(f"“{raw[:20]}” is not a number of days, so it is not applied.")
        else:
            found.not_seen_days = days
    if outcome := argument_row(
        args, "outcome", Outcome, organisation_id, "That ladder", found.problems
    ):
        found.outcome_id = outcome.id
    if not office:
        return found
    if worker := argument_row(
        args, "worker", User, organisation_id, "That key worker", found.problems
    ):
        found.key_worker_id = worker.id
    status = args.get("status") or "active"
    if status in STATUSES:
        found.status = status
    else:
        found.problems.append("That status is not one of the choices, so active people are shown.")
    return found


def people(
    user, filters: PeopleFilters, everyone: bool, now: datetime
) -> list[tuple[Person, datetime | None]]:
    """The people matching `filters`, with their last-seen time, in the order asked for."""
    last = queries.latest_effective(Person.id).label("last_seen")
    query = select(Person, last).where(Person.organisation_id == user.organisation_id)
    if filters.status == "active":
        # A person accepted from a referral waits on their key worker's caseload until the
        # first contact: "active" lists them too.
        query = query.where(Person.status.in_(("active", "waiting")))
    elif filters.status != "all":
        query = query.where(Person.status == filters.status)
    if not everyone:
        query = query.join(caseload, caseload.c.person_id == Person.id).where(
            caseload.c.user_id == user.id
        )
    if filters.key_worker_id:
        query = query.where(
            exists().where(
                caseload.c.person_id == Person.id, caseload.c.user_id == filters.key_worker_id
            )
        )
    if filters.outcome_id:
        query = query.where(
            exists().where(Plan.person_id == Person.id, Plan.outcome_id == filters.outcome_id)
        )
    if search := filters.search.strip():
        pattern = f"%{search.lower()}%"
        query = query.where(
            func.lower(Person.display_name).like(pattern)
            | func.lower(Person.reference).like(pattern)
        )
    if filters.not_seen_days:
        # Local calendar days, as on the Overview: seen on the day N days ago counts as N.
        today = local_time.local_today()
        threshold = local_time.day_bounds(today - timedelta(days=filters.not_seen_days - 1), today)[
            0
        ]
        query = query.where(last.is_(None) | (last < threshold))
    if filters.order == "longest":
        query = query.order_by(last.asc().nulls_first(), Person.display_name)
    else:
        query = query.order_by(last.desc().nulls_last(), Person.display_name)
    return list(db.session.execute(query.limit(LIMIT)).all())


def choices(organisation_id: int) -> dict:
    """The filter form's options: the organisation's ladders (outcomes) and its workers."""
    outcomes = db.session.scalars(
        select(Outcome)
        .where(Outcome.organisation_id == organisation_id, ~Outcome.retired)
        .order_by(Outcome.position, Outcome.name)
    )
    workers = db.session.scalars(
        select(User)
        .where(User.organisation_id == organisation_id, User.role == "worker", User.active)
        .order_by(User.name)
    )
    return dict(outcomes=list(outcomes), workers=list(workers))
