"""Set-up for admins: activities, outcome ladders, people, caseloads and staff."""

from app.setup.routes import bp

__all__ = ["bp"]
