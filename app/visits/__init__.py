"""Next visits: when a worker next expects to see someone, today's first, overdue ones shown."""

from app.visits.routes import bp

__all__ = ["bp"]
