"""Read an uploaded CSV or Excel file into a header row and data rows of plain text."""

import csv
import io
import time
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# A people file has a dozen columns; a few thousand empty ones in a small file would
# otherwise cost gigabytes of memory once rows are padded to the header's width.
MAX_COLUMNS = 100
MAX_CELLS = 250_000
# A workbook is a zip: its parts may unpack to far more than the upload's size.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# CPU seconds this thread may spend reading one file before giving up with a clear message.
MAX_SECONDS = 10.0


class ImportFileError(ValueError):
    """The file cannot be read; the message says why, in plain words."""


TOO_WIDE = f"The file has more than {MAX_COLUMNS} columns. Keep only the columns to import."
TOO_MANY_CELLS = f"The file has more than {MAX_CELLS:,} cells. Split it into smaller files."
TOO_SLOW = "The file took too long to read. Save it again as a plain CSV or a new workbook."


class _Budget:
    """Counts cells and CPU time while a file is read, and stops the read when over."""

    def __init__(self):
        self.cells = 0
        self.started = time.thread_time()

    def take(self, row: list) -> list:
        if len(row) > MAX_COLUMNS and any(str(v).strip() for v in row[MAX_COLUMNS:] if v):
            raise ImportFileError(TOO_WIDE)
        row = row[:MAX_COLUMNS]  # empty trailing cells beyond the limit are dropped
        self.cells += len(row)
        if self.cells > MAX_CELLS:
            raise ImportFileError(TOO_MANY_CELLS)
        if time.thread_time() - self.started > MAX_SECONDS:
            raise ImportFileError(TOO_SLOW)
        return row


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
    budget = _Budget()
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(budget.take(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except csv.Error as problem:
        raise ImportFileError(f"The CSV file is malformed: {problem}.") from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    _refuse_zip_bomb(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError("The file is not a readable Excel (.xlsx) workbook.") from None
    try:
        sheet = book.worksheets[0]
        budget = _Budget()
        rows = []
        # One column past the limit is read, to tell a too-wide sheet from a wide dimension.
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            rows.append([_text(v) for v in budget.take(list(values))])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError("The Excel workbook is damaged and cannot be read.") from None
    finally:
        book.close()


def _refuse_zip_bomb(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than a people file ever needs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("The file is not a readable Excel (.xlsx) workbook.") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            "The workbook unpacks to more than "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB. Save only the sheet of people."
        )


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
