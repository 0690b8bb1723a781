"""On the demo: every surface that counts — the dashboard, My week, the funder report and the
export — gives the same figures, because they all count through app/entries/counting.py; and
what the demo's funder viewer can download, for every period offered, gives nobody away."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import local_time
from app.disclosure import FEWER, HIDDEN, WITHHELD, Figure
from app.entries import kinds, scoped
from app.extensions import db
from app.measures.definitions import shipped
from app.models import Activity, Funder, Indicator, User
from app.reports import periods, report
from tests.fixtures.disclosure import possible_values

DEMO_PASSWORD = "stepladder-demo"


@pytest.fixture
def demo(runner, app):
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(User).where(User.email == "worker@example.org"))


def exported(client, first, last) -> list[dict]:
    response = client.get(f"/export/entries.csv?from={first}&to={last}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def by_hand(rows: list[dict], not_contacts=("note", "dna"), **match) -> tuple[int, int, int]:
    """Steps, contacts and people worked out from the export's rows, independently of the
    app: entries not voided or corrected; a contact is one person on one local day, seen
    (a note alone is not a contact, and neither is a did-not-attend: `not_contacts`)."""
    live = [
        r
        for r in rows
        if r["status"] == "" and r["kind"] != "void" and all(r[k] == v for k, v in match.items())
    ]
    zone = local_time.local_zone()

    def day(row):
        when = datetime.fromisoformat(row["recorded_at"].replace("Z", "+00:00"))
        return when.astimezone(zone).date()

    visits = {(r["person_reference"], day(r)) for r in live if r["kind"] not in not_contacts}
    steps = sum(r["kind"] == "step" for r in live)
    return steps, len(visits), len({r["person_reference"] for r in live})


def dashboard_totals(client, **args) -> tuple[int, int, int]:
    html = client.get("/overview/", query_string=args).get_data(as_text=True)
    found = re.search(r"<p>(\d+) steps · (\d+) contacts · (\d+) people seen</p>", html)
    assert found, "the chosen range's totals are missing"
    return tuple(map(int, found.groups()))


def test_my_week_the_dashboard_and_the_export_agree_for_a_worker(client, auth, demo):
    today = local_time.local_today()
    first = today - timedelta(days=6)
    auth.sign_in("worker@example.org", DEMO_PASSWORD)
    week = client.get("/week").get_data(as_text=True)
    found = re.search(
        r"<strong>(\d+)</strong> steps · <strong>(\d+)</strong> contacts · "
        r"<strong>(\d+)</strong> people seen",
        week,
    )
    my_week = tuple(map(int, found.groups()))
    client.post("/sign-out", data={"csrf_token": auth.csrf("/week")})
    auth.sign_in("supervisor@example.org", DEMO_PASSWORD)
    range_args = {"from": first.isoformat(), "to": today.isoformat()}
    on_dashboard = dashboard_totals(client, worker=str(demo.id), **range_args)
    from_export = by_hand(exported(client, first, today), worker=demo.name)
    assert my_week == on_dashboard == from_export
    assert my_week[1] > 0  # the demo's worker has visits this week: nothing vacuous


def whole_service(org_id: int, **labels: str) -> tuple[Funder, list[Activity]]:
    """A funder of every activity and every outcome, with an indicator of each kind named in
    `labels` (kind=label), committed; and the activities."""
    activities = list(
        db.session.scalars(select(Activity).where(Activity.organisation_id == org_id))
    )
    funder = Funder(organisation_id=org_id, name="Whole Service", activities=activities)
    db.session.add(funder)
    db.session.flush()
    for n, (kind, label) in enumerate(labels.items(), start=1):
        db.session.add(
            Indicator(
                organisation_id=org_id, funder_id=funder.id, kind=kind, label=label, position=n
            )
        )
    db.session.commit()
    return funder, activities


def test_the_report_the_dashboard_and_the_export_agree_for_each_activity(client, auth, demo):
    """A funder of every activity and every outcome counts what the dashboard counts, activity
    by activity and in total, over the last three months."""
    funder, activities = whole_service(
        demo.organisation_id, people_supported="people_supported", contacts="contacts"
    )
    today = local_time.local_today()
    first = today - timedelta(days=90)
    built = report.build(db.session.get(Funder, funder.id), periods.custom(first, today))
    auth.sign_in("supervisor@example.org", DEMO_PASSWORD)
    rows = exported(client, first, today)
    range_args = {"from": first.isoformat(), "to": today.isoformat()}
    table = next(t for t in built.breakdowns if t.title == "By activity")
    for name, now, _before in table.rows:
        activity = next(a for a in activities if a.name == name)
        contacts, steps, people = (f.value for f in now)
        on_dashboard = dashboard_totals(client, activity=str(activity.id), **range_args)
        assert (steps, contacts, people) == on_dashboard == by_hand(rows, activity=name)
    whole = dashboard_totals(client, **range_args)
    headline = {row.label: row.value.number for row in built.indicators}
    assert whole == by_hand(rows)
    # A funder counts the entries under its activities: a measure or a did-not-attend recorded
    # with no activity is in the service's figures, not in any funder's.
    funded = by_hand([r for r in rows if r["activity"]])
    assert (headline["contacts"], headline["people_supported"]) == funded[1:]
    scope = scoped.Scope.for_funder(db.session.get(Funder, funder.id))
    assert scoped.whole(scope, *local_time.day_bounds(first, today)).steps == whole[0]


def test_every_surface_moves_with_the_counting_layers_one_definition(
    client, auth, demo, monkeypatch
):
    """They agree because they call the same code, not because copies happen to match: with
    the layer's one table of what each kind counts as changed (for this test, a note made a
    contact), My week, the dashboard and the report all count the notes' days as contacts
    together, matching the export worked out by hand under the same rule; a surface counting
    on its own would be left behind."""
    monkeypatch.setitem(kinds.KIND_COUNTS, "note", frozenset({kinds.CONTACT}))
    funder, _ = whole_service(demo.organisation_id, contacts="Contacts")
    today = local_time.local_today()
    first, week = today - timedelta(days=90), today - timedelta(days=6)
    auth.sign_in("worker@example.org", DEMO_PASSWORD)
    html = client.get("/week").get_data(as_text=True)
    my_week = int(re.search(r"<strong>(\d+)</strong> contacts", html).group(1))
    client.post("/sign-out", data={"csrf_token": auth.csrf("/week")})
    auth.sign_in("supervisor@example.org", DEMO_PASSWORD)
    rows = exported(client, first, today)
    with_notes = ("dna",)
    range_args = {"from": first.isoformat(), "to": today.isoformat()}
    on_dashboard = dashboard_totals(client, **range_args)[1]
    built = report.build(db.session.get(Funder, funder.id), periods.custom(first, today))
    in_report = next(row.value.number for row in built.indicators if row.label == "Contacts")
    assert on_dashboard == by_hand(rows, not_contacts=with_notes)[1]
    assert in_report == by_hand([r for r in rows if r["activity"]], not_contacts=with_notes)[1]
    this_week = exported(client, week, today)
    assert my_week == by_hand(this_week, not_contacts=with_notes, worker=demo.name)[1]
    # The change showed: some day had a note and nothing else.
    assert on_dashboard > by_hand(rows)[1]


def offered_periods(client, funder_id: int) -> list[str]:
    html = client.get(f"/reports/{funder_id}").get_data(as_text=True)
    return [c for c in re.findall(r'<option value="([^"]+)"', html) if c != "custom"]


def number_or_blank(text: str):
    if text == "":
        return None
    return float(text) if "." in text else int(text)


def word(row: list, column: int) -> str:
    """The word a hidden figure stands under, read from the row's note as an officer would."""
    if row[column] not in ("", None):
        return ""
    which = "This period" if column == 3 else "Previous period"
    assert f"{which}:" in row[6], row
    said = row[6].split(f"{which}: ")[1]
    for known in (FEWER, WITHHELD, HIDDEN):
        if said.startswith(known):
            return known
    raise AssertionError(f"a hidden figure with no known word: {row}")


def assert_nothing_recoverable(rows: list[list[str]]) -> int:
    """Each demographic column beside its period's people supported, shown or under its word
    (a total of "fewer than 5" is 1 to 4, which bounds the cells too): every hidden cell
    could be at least two numbers, worked out from what the file shows. Returns the hidden
    cells checked."""
    checked = 0
    supported = next((r for r in rows if r[0] == "Indicator" and r[1] == "People supported"), None)
    if supported is None:
        return checked
    for column in (3, 4):
        total = Figure(number_or_blank(supported[column]), word(supported, column))
        tables = {}
        for r in rows:
            if r[0].startswith("People supported by "):
                tables.setdefault(r[0], []).append(r)
        for table in tables.values():
            cells = [Figure(number_or_blank(r[column]), word(r, column)) for r in table]
            for options in possible_values(cells, total).values():
                assert len(options) >= 2, (total, cells)
                checked += 1
    return checked


def is_count(row) -> bool:
    """Whether a report row's figures count people or contacts (and so hide 1-4): averages,
    means, rates in per cent, days and minutes are not counts; they are withheld over fewer
    than 5 people instead."""
    item, measure = row[1].lower(), row[2].lower()
    not_counts = ("average", "mean", "(%)", " days ", "days to", "minutes", "ci low", "ci high")
    if item == "group sessions delivered":
        return False  # sessions are events, not people: they identify nobody
    return not any(word in item or word in measure for word in not_counts)


# Each rate's base, the count it is a share of, found on another row of the same section:
# (how the rate's item ends or reads) -> how to name the base's item.
RATE_BASES = {
    "Follow-up rate (%)": lambda item: "People whose follow-up fell due",
    "Recovery (%)": lambda item: "At caseness at baseline",
    "Reliable recovery (%)": lambda item: "At caseness at baseline",
    " at latest (%)": lambda item: item.split(": ")[0] + ": people with a pair",
}

# A rate among the indicators, by what it counts (the Measure column: the kind's words, then
# the measure's key) -> the measures section's row the same rate is on.
INDICATOR_RATES = {"Follow-up rate on a measure (%)": "Follow-up rate (%)"}


def is_rate(row: list) -> bool:
    """Whether a row's figures are percentages: its item or what it counts says "(%)" (an
    indicator's label is the funder's own words, so the Measure column decides too)."""
    return "(%)" in row[1] or "(%)" in row[2]


def section_row(rows: list[list], rate_row: list) -> list | None:
    """The row a rate is on in its section: itself, or for an indicator the measures section's
    row of the same rate, which the indicator must agree with; None when the section has no
    such row (a rate with nothing to show in either period)."""
    if rate_row[0] != "Indicator":
        return rate_row
    kind, _, key = rate_row[2].partition(" · ")
    assert kind in INDICATOR_RATES, f"no section known for the rate indicator {rate_row}"
    section, item = f"Measure: {shipped()[key].name}", INDICATOR_RATES[kind]
    return next((r for r in rows if r[0] == section and r[1] == item), None)


def rate_base(rows: list[list], rate_row: list) -> list | None:
    """The row of the count a rate is a share of; None for the did-not-attend rate, whose base
    (contacts expected) the report does not show."""
    section, item = rate_row[0], rate_row[1]
    if item == "Did-not-attend rate (%)":
        return None
    for ending, base in RATE_BASES.items():
        if item == ending or (ending.startswith(" ") and item.endswith(ending)):
            name = base(item)
            return next(r for r in rows if r[0] == section and r[1] == name)
    raise AssertionError(f"no base known for the rate {rate_row}: add it to RATE_BASES")


def assert_no_rate_gives_a_count_away(rows: list[list]) -> int:
    """Every percentage shown, the indicators' among them, sits beside the count it is a share
    of, shown: from the two, neither the people it counts nor the people it leaves out can be
    worked out as 1-4; and a base that could be hidden is never left to be worked out from a
    rate and its count. An indicator's rate is the measures section's, hidden where it is
    hidden. A rate whose base is not shown (did not attend) is shown only beside its own
    count, shown and not 1-4. Returns the rates checked."""
    checked = 0
    for r in rows:
        if r[0] in ("Report", "Story") or not is_rate(r):
            continue
        own = section_row(rows, r)
        if own is None:
            assert r[3] in ("", None) and r[4] in ("", None), ("a rate with no section row", r)
            continue
        for column in (3, 4):
            assert r[column] == own[column], ("an indicator and its section differ", r, own)
            share = r[column]
            if share in ("", None):
                continue
            share = float(share)
            base = rate_base(rows, own)
            if base is None:
                count = next(x for x in rows if x[0] == r[0] and x[1] == "Did not attend")[column]
                assert count not in ("", None) and not 0 < float(count) < 5, (r, count)
                checked += 1
                continue
            whole = base[column]
            assert whole not in ("", None), ("a rate beside a hidden base", r, base)
            part = round(share * float(whole) / 100)
            assert not 0 < part < 5 and not 0 < float(whole) - part < 5, (r, base)
            checked += 1
    return checked


def assert_no_note_quotes_a_small_count(rows: list[list]) -> int:
    """A note that counts people ("6 of 8 people", "Across 19 people") never says 1-4 of
    them. Returns the numbers of people checked."""
    checked = 0
    for r in rows:
        if r[0] == "Story":
            continue
        for found in re.finditer(r"\b(\d+)(?: of (\d+))? (?:people|person)\b", r[6] or ""):
            for number in filter(None, found.groups()):
                assert not 0 < int(number) < 5, r
                checked += 1
    return checked


def test_the_funder_viewer_downloads_give_nobody_away_for_any_period(client, auth, demo):
    auth.sign_in("funder@example.org", DEMO_PASSWORD)
    listing = client.get("/reports/").get_data(as_text=True)
    assert "City Council Mental Health Fund" in listing and "Community Lottery" not in listing
    council = db.session.scalar(select(Funder).where(Funder.name.like("City Council%")))
    codes = offered_periods(client, council.id)
    assert len(codes) >= 3
    checked = rates = indicator_rates = notes = 0
    for code in codes:
        assert periods.parse(code).last >= council.starts_on
        body = client.get(f"/reports/{council.id}/report.csv?period={code}").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(body)))
        for r in rows[1:]:
            if r[0] in ("Report", "Story"):
                continue
            for cell in (r[3], r[4]):
                value = number_or_blank(cell)  # a number or nothing: never words
                if value is not None and is_count(r):
                    assert not 0 < value < 5, (code, r)
        checked += assert_nothing_recoverable(rows)
        rates += assert_no_rate_gives_a_count_away(rows)
        indicator_rates += sum(
            r[0] == "Indicator" and is_rate(r) and r[col] != "" for r in rows for col in (3, 4)
        )
        notes += assert_no_note_quotes_a_small_count(rows)
        book = load_workbook(
            io.BytesIO(client.get(f"/reports/{council.id}/report.xlsx?period={code}").data)
        )
        sheet = [list(r) for r in book["Data"].iter_rows(min_row=2, values_only=True)]
        rates += assert_no_rate_gives_a_count_away(sheet)
        for r in sheet:
            for value in r[3:6]:  # numbers or nothing, on every row: words are in Note
                assert value is None or isinstance(value, int | float), (code, r)
            if r[0] in ("Report", "Story"):
                continue
            for value in r[3:5]:
                if value is not None and is_count(r):
                    assert not 0 < value < 5, (code, r)
    assert checked > 0  # hidden cells beside a shown total were there to be checked
    assert rates > 0  # and percentages shown beside their counts
    assert indicator_rates > 0  # the follow-up rate indicator among them, matched to its base
    assert notes > 0  # and notes that count people
