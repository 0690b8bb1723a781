"""The filtered view of an organisation's audit trail that the page and its export share."""

from dataclasses import dataclass
from datetime import date

from flask import Request
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app import params
from app.local_time import day_bounds
from app.models import AuditEvent


@dataclass
class Filters:
    action: str = ""
    user_id: int | None = None
    target: str = ""
    first: date | None = None
    last: date | None = None
    problem: str = ""
    # The phones' offline copies of pages are most of the trail and rarely what is looked
    # for, so they are hidden unless asked for.
    copies: bool = False

    @classmethod
    def from_request(cls, request: Request) -> "Filters":
        """Read the filters from the query string; a bad value is dropped with a message."""
        args = request.args
        filters = cls(
            action=args.get("action", "")[:40].strip(),
            target=args.get("target", "")[:120].strip(),
            copies=args.get("copies") == "show",
        )
        problems = []
        if args.get("user"):
            filters.user_id = params.parse_id(args["user"])
            if filters.user_id is None:
                problems.append("Choose a user from the list.")
        try:
            filters.first, filters.last = params.parse_date_range(args.get("from"), args.get("to"))
        except params.ParamError as problem:
            problems.append(str(problem))
        filters.problem = " ".join(problems)
        return filters

    def query_args(self) -> dict:
        return {
            k: v
            for k, v in dict(
                action=self.action,
                user=self.user_id or "",
                target=self.target,
                copies="show" if self.copies else "",
                **{
                    "from": self.first.isoformat() if self.first else "",
                    "to": self.last.isoformat() if self.last else "",
                },
            ).items()
            if v
        }


def events(organisation_id: int, filters: Filters) -> Select:
    """The organisation's audit events matching the filters, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.organisation_id == organisation_id)
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if not filters.copies:
        query = query.where(AuditEvent.action != "person.offline_copy")
    if filters.user_id:
        query = query.where(AuditEvent.user_id == filters.user_id)
    if filters.target:
        query = query.where(AuditEvent.target.contains(filters.target, autoescape=True))
    if filters.first or filters.last:
        start, end = day_bounds(filters.first or params.FIRST_DAY, filters.last or params.LAST_DAY)
        query = query.where(AuditEvent.at >= start, AuditEvent.at < end)
    return query
