"""How every set-up change ends: saved, then back to the page, saying what was done."""

from flask import flash, redirect

from app.extensions import db


def saved(said: str, back: str):
    """Commit the change and go back to `back` (a URL) with `said` shown there; a 303, so a
    reload of the page does not post the form again."""
    db.session.commit()
    flash(said, "info")
    return redirect(back, code=303)
