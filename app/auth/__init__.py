"""Signing in and out, passwords and server-side sessions."""

from app.auth.routes import bp

__all__ = ["bp"]
