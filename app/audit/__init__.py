"""The audit trail: one central recorder, and the admin's page to search and export it."""

from app.audit.routes import bp
from app.audit.trail import init_app, record

__all__ = ["bp", "init_app", "record"]
