"""A person's journey for supervisors, and voiding or correcting entries."""

from app.journey import corrections  # noqa: F401  (registers the correction views on bp)
from app.journey.routes import bp

__all__ = ["bp"]
