"""My journey: the person's own ladders, to show them on the phone or print as a certificate."""

from app.my_journey.routes import bp

__all__ = ["bp"]
