"""Your own account (password, two-factor) and an admin's password resets for their staff."""

from app.accounts.routes import bp

__all__ = ["bp"]
