"""The phone app offline: the session check the outbox replays under, and the offline page."""

from app.offline.routes import bp

__all__ = ["bp"]
