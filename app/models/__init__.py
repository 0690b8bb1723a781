"""The domain: import every model so Alembic and the app see the whole schema."""

from app.models.account_token import AccountToken
from app.models.attempt import Attempt
from app.models.audit import AuditEvent
from app.models.entry import KINDS, Entry
from app.models.funding import (
    Funder,
    Indicator,
    IndicatorChange,
    funder_activity,
    funder_outcome,
    funder_viewer,
)
from app.models.group_session import GroupSession, group_session_facilitator, group_session_member
from app.models.ladder import Activity, Outcome, Rung, activities_of, activity_outcome
from app.models.mail import OutboxEmail
from app.models.measure import (
    MeasurePlan,
    MeasureReading,
    MeasureSettings,
    OrganisationMeasure,
    SafeguardingConcern,
    SafeguardingPermission,
)
from app.models.next_visit import NextVisit
from app.models.organisation import Organisation
from app.models.pending_import import PendingImport
from app.models.person import Person, Plan, caseload
from app.models.referral import Referral
from app.models.rollup import DailyRollup
from app.models.story import Story
from app.models.user import User, UserSession

__all__ = [
    "KINDS",
    "AccountToken",
    "Activity",
    "activities_of",
    "Attempt",
    "AuditEvent",
    "DailyRollup",
    "Funder",
    "GroupSession",
    "Indicator",
    "MeasurePlan",
    "MeasureReading",
    "MeasureSettings",
    "OrganisationMeasure",
    "SafeguardingConcern",
    "SafeguardingPermission",
    "Entry",
    "NextVisit",
    "Organisation",
    "OutboxEmail",
    "Outcome",
    "PendingImport",
    "Person",
    "Plan",
    "Referral",
    "Rung",
    "Story",
    "User",
    "UserSession",
    "activity_outcome",
    "caseload",
    "funder_activity",
    "funder_outcome",
    "funder_viewer",
    "IndicatorChange",
    "group_session_facilitator",
    "group_session_member",
]
