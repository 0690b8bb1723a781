"""`stepladder report`: the same figures as the page, written to a file for scheduled returns."""

import csv
import io

from openpyxl import load_workbook


def test_report_command_writes_excel_with_the_right_figures(runner, history, tmp_path):
    output = tmp_path / "city.xlsx"
    result = runner.invoke(
        args=[
            "report",
            "City Fund",
            "--period",
            "2025-Q2",
            "--format",
            "xlsx",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    summary = load_workbook(output)["Summary"]
    figures = {
        summary.cell(r, 1).value: summary.cell(r, 3).value for r in range(1, summary.max_row + 1)
    }
    assert figures["People supported"] == 5
    assert figures["Contacts"] == 7
    # An average over three people is withheld, and says why, rather than written as a number.
    assert figures["Distance travelled"] is None
    notes = {
        summary.cell(r, 1).value: summary.cell(r, 6).value for r in range(1, summary.max_row + 1)
    }
    assert "withheld" in notes["Distance travelled"]


def test_report_command_writes_csv(runner, history, tmp_path):
    output = tmp_path / "city.csv"
    result = runner.invoke(
        args=[
            "report",
            str(history.funder.id),
            "--period",
            "2025-Q2",
            "--format",
            "csv",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    rows = {r[1]: r for r in csv.reader(io.StringIO(output.read_text())) if r[0] == "Indicator"}
    # Four new people and one setback are hidden: the cells are empty and the note says why.
    assert rows["New people"][3] == "" and rows["Setbacks"][3] == ""
    assert "fewer than 5" in rows["New people"][6] and "fewer than 5" in rows["Setbacks"][6]


def test_report_command_refuses_an_unknown_period_or_funder(runner, history, tmp_path):
    output = tmp_path / "x.csv"
    bad_period = runner.invoke(
        args=["report", "City Fund", "--period", "someday", "--output", str(output)]
    )
    assert bad_period.exit_code != 0 and "not a period Stepladder knows" in bad_period.output
    bad_funder = runner.invoke(
        args=["report", "Nobody", "--period", "2025-Q2", "--output", str(output)]
    )
    assert bad_funder.exit_code != 0 and "No funder is called 'Nobody'" in bad_funder.output
    assert not output.exists()
