"""Order of activities, outcomes and rungs: positions 1..n, moved one place at a time;
and retiring or restoring one of them."""

from collections.abc import Callable, Sequence

from flask import redirect, request, url_for

from app.access import allow, scoped
from app.audit import record
from app.extensions import db
from app.setup import bp
from app.setup.saving import saved


def next_position(rows: Sequence) -> int:
    """The position after the last of `rows`."""
    return max((r.position for r in rows), default=0) + 1


def move(rows: Sequence, row, direction: str) -> bool:
    """Swap `row` with its neighbour among the rows of the same retired state; False at an end.

    All rows are renumbered 1..n first, so old duplicates cannot make a move do nothing.
    Retired rows keep their places: a ladder's order stays the same in its history.
    A direction other than "up" or "down" (a hand-made request) moves nothing.
    """
    if direction not in ("up", "down"):
        return False
    ordered = sorted(rows, key=lambda r: (r.position, r.id))
    for number, each in enumerate(ordered, start=1):
        each.position = number
    peers = [r for r in ordered if r.retired == row.retired]
    index = peers.index(row)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(peers):
        return False
    neighbour = peers[other]
    row.position, neighbour.position = neighbour.position, row.position
    return True


def moved(rows: Sequence, row, back: str):
    """Move `row` one place the way the form posted (see `move`), save if it moved, and go
    back to `back` (a 303, so a reload does not move it again)."""
    if move(rows, row, request.form.get("direction", "")):
        db.session.commit()
    return redirect(back, code=303)


def set_retired(row, retired: bool, target: str, label: str, back: str):
    """Retire or restore an activity, outcome or rung: audit it, save, say so, go back."""
    row.retired = retired
    record("setup.change", target, "retired" if retired else "restored")
    return saved(f"{'Retired' if retired else 'Restored'} “{label}”.", back)


def add_list_routes(model, noun: str, plural: str, rows: Callable[[], Sequence]) -> None:
    """Register the move, retire and restore views of a set-up list (activities, outcomes).

    They differ only by the model, its names and the list page they go back to, so they are
    made here once: POST /<plural>/<id>/move, .../retire and .../restore, as the endpoints
    move_<noun>, retire_<noun> and restore_<noun>, with the id named <noun>_id (as the
    templates' url_for calls give it). `rows` reads the whole list, retired rows included.
    """
    key, path = f"{noun}_id", f"/{plural}/<int:{noun}_id>"

    @bp.post(f"{path}/move", endpoint=f"move_{noun}")
    @allow("admin")
    def move_view(**ids):
        """Move one place up or down the list, the order workers and people's pages show."""
        return moved(rows(), scoped(model, ids[key]), url_for(f".{plural}"))

    def retire_view(retired: bool) -> Callable:
        @allow("admin")
        def view(**ids):
            """Retire (out of use, kept in every entry's history) or restore, then go back."""
            row = scoped(model, ids[key])
            return set_retired(row, retired, f"{noun}:{row.id}", row.name, url_for(f".{plural}"))

        return view

    bp.add_url_rule(f"{path}/retire", f"retire_{noun}", retire_view(True), methods=["POST"])
    bp.add_url_rule(f"{path}/restore", f"restore_{noun}", retire_view(False), methods=["POST"])
