"""Raw exports of the entry log for supervisors and admins."""

from app.export.routes import bp

__all__ = ["bp"]
