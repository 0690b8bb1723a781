"""GET /help/words: a short glossary of Stepladder's words, in the service's own language."""

from flask import Blueprint, render_template

from app.access import STAFF, allow

bp = Blueprint("help", __name__, url_prefix="/help")

# The words as a list, in the order a new worker meets them, so the page and any link to
# one word (#rung) stay in step.
WORDS = [
    (
        "ladder",
        "Ladder",
        "An outcome written as small steps, from the first at the bottom to the last at the "
        "top, such as “Getting out and about”. Each person works on one or more ladders.",
    ),
    (
        "rung",
        "Rung",
        "One step of a ladder, in plain words: “Took the bus with support”. The person's "
        "current rung is where they stand now: their latest step, or the rung they went back "
        "to after a setback. The next rung is the one above it.",
    ),
    (
        "step",
        "Step",
        "What a worker records when a person reaches a rung: one tap on the rung's button. "
        "A step can be undone straight away, or corrected later by a supervisor.",
    ),
    (
        "contact",
        "Contact",
        "A visit: the person was seen by the service that day. However many steps, notes or "
        "“Seen today” taps are made for one person on one day, they count as one contact.",
    ),
    (
        "setback",
        "Setback",
        "A day that went backwards on a ladder. It is recorded so the ladder tells the truth, "
        "and it never counts as progress.",
    ),
    (
        "sent-later",
        "Sent later from an offline phone",
        "An entry made on a phone without signal is kept on the phone and sent when signal "
        "returns. It keeps the time it was made; “sent later from an offline phone” marks "
        "that it reached the office later. A correction made in the office never carries it.",
    ),
    (
        "activity",
        "Activity",
        "What the service did: doorstep support, travel training, a drop-in group. Funders' "
        "reports count the work by activity.",
    ),
    (
        "indicator",
        "Indicator",
        "A figure a funder asks for, such as “People supported” or “People who climbed at "
        "least one rung”. Reports count it from the entries; nobody counts by hand.",
    ),
]


@bp.get("/words")
@allow(*STAFF, "funder")
def glossary():
    """The glossary: what step, rung, ladder, contact, setback and "sent later" mean here."""
    return render_template("help/glossary.html", words=WORDS)
