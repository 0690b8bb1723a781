"""Funders, their indicators and the period reports that populate themselves."""

from app.reports.routes import bp

__all__ = ["bp"]
