"""Validated measures: a person's measures and taking one, admin set-up, export, safeguarding."""

from flask import Blueprint

bp = Blueprint("measures", __name__)

# The views register themselves on `bp` when their modules are imported; they import `bp`
# from here, so this import comes after it is defined (the usual Flask blueprint pattern).
from app.measures import export, indicators, routes, safeguarding, setup  # noqa: E402,F401

indicators.register()

__all__ = ["bp"]
