"""Make cell values safe for spreadsheets."""

# A cell starting with one of these is run as a formula by Excel and LibreOffice
# (CSV/formula injection); prefixing an apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
