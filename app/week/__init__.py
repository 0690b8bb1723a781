"""A worker's own week: their recent entries, with undo and correction within the window."""

from app.week.routes import bp

__all__ = ["bp"]
