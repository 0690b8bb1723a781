"""Landing pages for each role, the health check and the installable-app files."""

from app.home.routes import bp

__all__ = ["bp"]
