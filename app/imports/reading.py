"""Read an uploaded CSV or Excel file into a header row and data rows of plain text."""

import csv
import io
import time
import zipfile
import zlib
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
# openpyxl parses the whole shared-strings table when it opens a workbook, and a whole row
# before it yields it: the time budget, checked between rows, cannot stop either. Their cost
# follows the number of XML elements, so the parts are counted before they are parsed. A
# people file within the cell limit needs a few elements per cell (a cell, its value, its
# shared string and that string's text).
MAX_XML_ELEMENTS = 5 * MAX_CELLS
# A single cell is a name, a reference or a date, never a document.
MAX_CELL_CHARS = 10_000


class ImportFileError(ValueError):
    """The file cannot be read; the message says why, in plain words."""


TOO_WIDE = f"The file has more than {MAX_COLUMNS} columns. Keep only the columns to import."
TOO_MANY_CELLS = f"The file has more than {MAX_CELLS:,} cells. Split it into smaller files."
TOO_SLOW = "The file took too long to read. Save it again as a plain CSV or a new workbook."
TOO_LONG_CELL = (
    f"A cell holds more than {MAX_CELL_CHARS:,} characters. Keep only the columns to import."
)
TOO_MANY_ELEMENTS = (
    "The workbook holds more cells or text than a people file of "
    f"{MAX_CELLS:,} cells needs. Save only the sheet of people, or split it."
)


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
        if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in row):
            raise ImportFileError(TOO_LONG_CELL)
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
    budget = _Budget()  # opening the workbook is part of reading it
    _refuse_zip_bomb(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError("The file is not a readable Excel (.xlsx) workbook.") from None
    try:
        sheet = book.worksheets[0]
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
    """Refuse a workbook whose parts unpack to more, or hold more XML elements, than a
    people file ever needs, before openpyxl parses any of it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            unpacked = sum(info.file_size for info in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise ImportFileError(
                    "The workbook unpacks to more than "
                    f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB. Save only the sheet of people."
                )
            elements = 0
            for info in parts:
                with archive.open(info) as part:
                    elements += _elements(part)
                if elements > MAX_XML_ELEMENTS:
                    raise ImportFileError(TOO_MANY_ELEMENTS)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError):
        # RuntimeError: an encrypted member; NotImplementedError (a RuntimeError): an
        # unknown compression method.
        raise ImportFileError("The file is not a readable Excel (.xlsx) workbook.") from None


def _elements(part) -> int:
    """How many XML elements a zip member opens (every part counts, whatever its name: the
    workbook's own manifest says which part holds the strings and the sheets)."""
    count, carried = 0, b""
    while chunk := part.read(1024 * 1024):
        chunk = carried + chunk
        # A "<" at the end of a chunk is counted with the byte after it, in the next one.
        carried = b"<" if chunk.endswith(b"<") else b""
        chunk = chunk[: len(chunk) - len(carried)]
        # Start tags: every "<" but end tags, declarations, comments and CDATA.
        count += chunk.count(b"<") - chunk.count(b"</") - chunk.count(b"<?") - chunk.count(b"<!")
    return count


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
