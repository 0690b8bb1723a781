"""GDPR rights: subject-access export, erasure, consent, and retention review."""

from app.privacy.routes import bp

__all__ = ["bp"]
