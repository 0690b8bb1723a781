"""Read an uploaded CSV or Excel file into a header row and data rows of plain text."""

import csv
import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000


class ImportFileError(ValueError):
    """The file cannot be read; the message says why, in plain words."""


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) from a .csv or .xlsx file; blank rows are skipped, cells are text."""
    if not data:
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files."
        )
    name = (filename or "").lower()
    if name.endswith(".csv"):
        table = _csv_rows(data)
    elif name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    else:
        raise ImportFileError("Choose a .csv or .xlsx file.")
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise ImportFileError("The file has no rows.")
    headers = [h.strip() for h in table[0]]
    if not any(headers):
        raise ImportFileError(
            "The first row should name the columns (for example Name, Reference)."
        )
    rows = table[1:]
    if not rows:
        raise ImportFileError("The file has column names but no people in it.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
        )
    width = len(headers)
    return headers, [(row + [""] * width)[:width] for row in rows]


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel on Windows saves "CSV" in this encoding
        except UnicodeDecodeError:
            raise ImportFileError(
                "The file is not readable text. Save it as CSV (UTF-8)."
            ) from None
    if "\x00" in text:  # a UTF-16 file, or not text at all
        raise ImportFileError("The file is not readable text. Save it as CSV (UTF-8).")
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except csv.Error as problem:
        raise ImportFileError(f"The CSV file is malformed: {problem}.") from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError("The file is not a readable Excel (.xlsx) workbook.") from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError("The Excel workbook is damaged and cannot be read.") from None
    finally:
        book.close()


def _text(value) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
