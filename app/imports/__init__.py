"""Import people from the spreadsheets organisations already keep: map, preview, all-or-nothing."""

from app.imports.routes import bp

__all__ = ["bp"]
