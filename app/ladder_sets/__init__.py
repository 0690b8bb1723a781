"""An organisation's ladders as a template file: export it, and import another organisation's."""

from app.ladder_sets.routes import bp

__all__ = ["bp"]
