"""`stepladder report FUNDER --period 2026-Q3 --format xlsx|csv --output FILE`."""

from pathlib import Path

import click
from sqlalchemy import select

from app.extensions import db
from app.models import Funder, Organisation
from app.reports import files, periods
from app.reports.report import build


def _find_funder(name: str, organisation: str | None) -> Funder:
    """The funder by id or by name; an organisation's name settles a name used twice."""
    query = select(Funder)
    if name.isdigit():
        query = query.where(Funder.id == int(name))
    else:
        query = query.where(Funder.name == name)
    if organisation:
        query = query.join(Organisation, Organisation.id == Funder.organisation_id).where(
            Organisation.name == organisation
        )
    found = list(db.session.scalars(query))
    if not found:
        raise click.BadParameter(f"No funder is called {name!r}.", param_hint="FUNDER")
    if len(found) > 1:
        raise click.BadParameter(
            f"More than one organisation has a funder called {name!r}; add --organisation.",
            param_hint="FUNDER",
        )
    return found[0]


@click.command("report")
@click.argument("funder")
@click.option("--period", required=True, help="2026-07, 2026-Q3, FY2026 or 2026-07-01..2026-09-30.")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option(
    "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="File to write."
)
@click.option(
    "--organisation", default=None, help="The organisation's name, if FUNDER is ambiguous."
)
def report_command(
    funder: str, period: str, fmt: str, output: str, organisation: str | None
) -> None:
    """Write a funder's report for a period as Excel or CSV (the same figures as the page)."""
    try:
        chosen = periods.parse(period)
    except periods.PeriodError as problem:
        raise click.BadParameter(str(problem), param_hint="--period") from None
    result = build(_find_funder(funder, organisation), chosen)
    path = Path(output)
    if fmt == "xlsx":
        path.write_bytes(files.to_xlsx(result))
    else:
        path.write_text(files.to_csv(result), "utf-8", newline="")
    click.echo(f"Wrote {result.funder.name}, {chosen.label}, to {path}.")
