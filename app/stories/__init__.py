"""Stories for funders: the check that finds what would identify someone in a shareable
note, and the page where a worker or supervisor approves (and may edit) the wording."""

from app.stories.routes import bp

__all__ = ["bp"]
