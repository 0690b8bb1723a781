"""Table and column shapes that many models share, written once."""

from sqlalchemy import Column, ForeignKey, Table
from sqlalchemy.orm import mapped_column

from app.extensions import db


def link_table(name: str, *, indexed: tuple[str, ...] = (), **ends: str) -> Table:
    """A many-to-many table: each keyword a column naming the table it points at
    (`funder_id="funder"`), the columns together its primary key.

    A link goes when either end is deleted. `indexed` names the columns looked up on their
    own (the primary key's index serves only its first column).
    """
    return Table(
        name,
        db.metadata,
        *(
            Column(
                column,
                ForeignKey(f"{target}.id", ondelete="CASCADE"),
                primary_key=True,
                index=column in indexed or None,
            )
            for column, target in ends.items()
        ),
    )


def organisation_column(index: bool = True):
    """The organisation a row belongs to: every scoped query filters on it, so it is indexed
    unless a composite index led by it already serves."""
    return mapped_column(ForeignKey("organisation.id"), index=index or None)
