"""The shape of a row that one organisation keeps under a reference of its own."""

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.models.columns import organisation_column


class OrganisationReferenced:
    """A row of one organisation's, known by a `reference` unique within it (a person's case
    reference, a referral's acknowledgement). The class declares `reference` itself, as its
    length differs; the constraint is made per table, as one cannot be shared."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("organisation_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
