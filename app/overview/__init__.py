"""The supervisor's overview of what is happening."""

from app.overview.routes import bp

__all__ = ["bp"]
