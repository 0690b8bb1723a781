"""Group sessions: one meeting of an activity, its register, and the figures reports count."""

from app.sessions import mhsds
from app.sessions.routes import bp

__all__ = ["bp", "mhsds"]
