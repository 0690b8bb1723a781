"""The worker's area: My people, a person's ladders, and recording entries."""

from app.caseload.routes import bp

__all__ = ["bp"]
