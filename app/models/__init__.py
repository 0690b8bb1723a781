"""The domain: import every model so Alembic and the app see the whole schema."""

from app.models.account_token import AccountToken
from app.models.audit import AuditEvent
from app.models.entry import KINDS, Entry
from app.models.funding import Funder, Indicator, funder_activity, funder_outcome, funder_viewer
from app.models.ladder import Activity, Outcome, Rung, activity_outcome
from app.models.mail import OutboxEmail
from app.models.organisation import Organisation
from app.models.pending_import import PendingImport
from app.models.person import Person, Plan, caseload
from app.models.referral import Referral
from app.models.user import ROLES, User, UserSession

__all__ = [
    "KINDS",
    "ROLES",
    "AccountToken",
    "Activity",
    "AuditEvent",
    "Funder",
    "Indicator",
    "Entry",
    "Organisation",
    "OutboxEmail",
    "Outcome",
    "PendingImport",
    "Person",
    "Plan",
    "Referral",
    "Rung",
    "User",
    "UserSession",
    "activity_outcome",
    "caseload",
    "funder_activity",
    "funder_outcome",
    "funder_viewer",
]
