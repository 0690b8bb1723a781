"""Set-up for admins: activities, outcome ladders, people, caseloads and staff."""

from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/setup")

# The views register themselves on `bp` when their modules are imported; they import `bp`
# from here, so this import comes after it is defined (the usual Flask blueprint pattern).
from app.setup import (  # noqa: E402,F401
    activities,
    bulk,
    guide,
    links,
    outcomes,
    people,
    settings,
    staff,
)

__all__ = ["bp"]
