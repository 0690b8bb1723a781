"""The domain: import every model so Alembic and the app see the whole schema."""

from app.models.audit import AuditEvent
from app.models.entry import KINDS, Entry
from app.models.funding import Funder, Indicator, funder_activity, funder_outcome, funder_viewer
from app.models.ladder import Activity, Outcome, Rung, activity_outcome
from app.models.measure import (
    MeasurePlan,
    MeasureReading,
    MeasureSettings,
    OrganisationMeasure,
    SafeguardingConcern,
    SafeguardingPermission,
)
from app.models.organisation import Organisation
from app.models.pending_import import PendingImport
from app.models.person import Person, Plan, caseload
from app.models.user import ROLES, User, UserSession

__all__ = [
    "KINDS",
    "ROLES",
    "Activity",
    "AuditEvent",
    "Funder",
    "Indicator",
    "MeasurePlan",
    "MeasureReading",
    "MeasureSettings",
    "OrganisationMeasure",
    "SafeguardingConcern",
    "SafeguardingPermission",
    "Entry",
    "Organisation",
    "Outcome",
    "PendingImport",
    "Person",
    "Plan",
    "Rung",
    "User",
    "UserSession",
    "activity_outcome",
    "caseload",
    "funder_activity",
    "funder_outcome",
    "funder_viewer",
]
