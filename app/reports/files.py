"""A report as a file: Excel (a Summary sheet and a Data sheet) or CSV, with the same figures."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.csv_cells import csv_stream, safe_cell
from app.reports.report import HEADER, Report, reasons, rows, tidy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_HEADER = ["Indicator", "Counts", "This period", "Previous period", "Target", "Note"]


def filename(report: Report, extension: str) -> str:
    """A file name that says whose report and which period, safe for any file system."""
    name = "".join(c if c.isalnum() else "-" for c in report.funder.name.lower()).strip("-")
    return f"stepladder-{name or 'funder'}-{report.period.code.replace('..', '-to-')}.{extension}"


def to_csv(report: Report) -> str:
    """The report's flat rows as CSV, every text cell safe to open in a spreadsheet."""
    return "".join(csv_stream(HEADER, rows(report)))


def to_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook: Summary (indicators, targets) and Data (every figure)."""
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append([safe_cell(f"{report.funder.name}: outcomes report")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["Period", safe_cell(report.period.label)])
    summary.append(["Previous period", safe_cell(report.previous.label)])
    for message in report.problems + report.notes:
        summary.append([safe_cell(message)])
    summary.append([])
    summary.append(SUMMARY_HEADER)
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    for row in report.indicators:
        summary.append(
            [
                safe_cell(row.label),
                safe_cell(row.counts),
                row.now.shown,
                row.before.shown,
                tidy(row.target),
                safe_cell(
                    "; ".join(
                        n for n in (row.note, row.target_note, reasons(row.now, row.before)) if n
                    )
                ),
            ]
        )
    data = book.create_sheet("Data")
    data.append(HEADER)
    for cell in data[1]:
        cell.font = Font(bold=True)
    for values in rows(report):
        # A hidden figure is an empty cell (its reason is in Note), never text in a number column.
        data.append([None if v == "" else safe_cell(v) for v in values])
    for sheet, widths in (
        (summary, (44, 50, 14, 16, 10, 60)),
        (data, (24, 36, 28, 16, 16, 10, 60)),
    ):
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
