"""Hostile query strings and URL ids: every GET page answers with a message or a 404, never a
500, and an export that says 200 is a whole CSV file."""

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from flask import Flask
from flask_migrate import upgrade

from app import create_app, params
from app.extensions import db, limiter
from app.models import Funder, MeasurePlan, PendingImport, Referral
from tests.fixtures.clock import at_midday
from tests.fixtures.databases import fresh_database
from tests.fixtures.factories import World, make_entry, make_group_session, world
from tests.fixtures.web import Auth, RequestClient, app_config

HOSTILE = [
    "²",
    "9" * 25,
    "-1",
    "",
    "1e9",
    "9999-12-31",
    "0001-01-01",
    "2026-13-45",
    "0001-01",
    "0001-01-01..0001-01-05",
    "'; drop table entry; --",
    "%00",
    "\x00",
]
NAMES = ("worker", "activity", "outcome", "user", "page", "from", "to", "period", "kind", "q")
# Within the years the service covers, so the cases below reach past the date checks.
GOOD_FIRST, GOOD_LAST = "2026-01-01", "2026-12-31"


def query_strings(value: str) -> list[dict]:
    """Every parameter set to `value`, then the same with some parameters made good, so that
    each hostile value is also read where an earlier good one would have let it through."""
    every = dict.fromkeys(NAMES, value)
    return [
        every,
        # A far or broken end date after a good start, on every page and in a report's
        # custom dates.
        {**every, "from": GOOD_FIRST, "period": "custom"},
        # Ids, pages, report periods and searches alone (and the export's 200 answers).
        {**every, "from": GOOD_FIRST, "to": GOOD_LAST},
    ]


def make_rows(w: World) -> dict:
    """One row of each kind a URL names, in the signed-in user's own organisation."""
    entry = make_entry(
        w.person,
        w.worker,
        "step",
        datetime(2026, 3, 31, 23, 30),
        rung=w.outcome.rungs[0],
        rung_id=w.outcome.rungs[0].id,
        activity_id=w.activity.id,
        note="Took the bus",
    )
    funder = Funder(organisation_id=w.org.id, name="Trust", activities=[w.activity])
    pending = PendingImport(
        token=uuid.uuid4().hex,
        organisation_id=w.org.id,
        user_id=w.admin.id,
        filename="people.csv",
        headers=["Name"],
        rows=[["Ada"]],
    )
    group_session = make_group_session(w.activity, w.worker, [w.person])
    measure = MeasurePlan(organisation_id=w.org.id, measure_key="swemwbs")
    referral = Referral(
        organisation_id=w.org.id, reference="R-TEST01", name="Ada", reason="x", source="gp"
    )
    w.org.slug, w.org.referrals_open = "riverside", True
    db.session.add_all([funder, pending, measure, referral])
    db.session.commit()
    return {
        "person_id": [w.person.id],
        "user_id": [w.worker.id],
        "funder_id": [funder.id],
        "outcome_id": [w.outcome.id],
        "activity_id": [w.activity.id],
        "entry_id": [entry.id],
        "token": [pending.token],
        "filename": ["css/app.css"],
        "fmt": ["csv", "xlsx"],
        "group_session_id": [group_session.id],
        "key": ["swemwbs"],
        "referral_id": [referral.id],
        "slug": ["riverside"],
    }


@pytest.fixture
def rows(w):
    return make_rows(w)


@dataclass
class Site:
    """The app, its world and every GET URL, built once for all the hostile query strings."""

    app: Flask
    w: World
    urls: list[str]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One app on its own database with the world and its rows, for the whole module: the
    hostile cases only read, so they need not build it all again for each value and role."""
    with fresh_database(tmp_path_factory.mktemp("hostile")) as url:
        app = create_app(app_config(url))
        app.test_client_class = RequestClient
        with at_midday(app.config["TIMEZONE"]), app.app_context():
            upgrade()
            w = world()
            yield Site(app, w, get_urls(app, make_rows(w)))
            db.session.remove()
            db.engine.dispose()


def get_urls(app, rows) -> list[str]:
    """Every GET route in the app, its URL arguments filled from `rows` (a route with an
    argument not in `rows` fails here, so a new kind of URL cannot slip past this test)."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            fillings = [{}]
            for name in sorted(rule.arguments):
                fillings = [{**f, name: value} for f in fillings for value in rows[name]]
            urls += [rule.build(values)[1] for values in fillings]
    return sorted(urls)


def assert_complete_csv(url: str, response) -> None:
    """A 200 CSV is whole: a header, rows as wide as it, and the last line ended."""
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv", url
    assert text.endswith("\n"), url
    table = list(csv.reader(io.StringIO(text)))
    assert table and all(len(row) == len(table[0]) for row in table), url


@pytest.mark.parametrize("role", ["admin", "supervisor"])
@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v) for v in HOSTILE])
def test_no_get_route_fails_on_a_hostile_query_string(site, role, value):
    limiter.reset()  # each case starts with the allowance a fresh app would have
    client = site.app.test_client()  # and a sign-in of its own
    Auth(client).sign_in(getattr(site.w, role))
    urls = site.urls
    assert len(urls) > 30
    failures = []
    for url in urls:
        for query in query_strings(value):
            with client.get(url, query_string=query) as response:
                if response.status_code >= 500:
                    failures.append((url, query, response.status_code))
                elif response.status_code == 200 and url.endswith(".csv"):
                    assert_complete_csv(url, response)
    assert failures == []


def test_the_entries_export_of_a_good_period_is_a_complete_csv(client, auth, w, rows):
    auth.sign_in(w.supervisor)
    response = client.get("/export/entries.csv", query_string={"from": GOOD_FIRST, "to": GOOD_LAST})
    assert response.status_code == 200
    assert_complete_csv("/export/entries.csv", response)
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["entry_id"] for row in table] == [str(rows["entry_id"][0])]


@pytest.mark.parametrize(
    "path",
    [
        "/people/" + "9" * 25,
        f"/people/{params.MAX_ID + 1}",
        "/journey/" + "9" * 25,
        "/setup/staff/" + "9" * 25,
        "/reports/" + "9" * 25,
        "/reports/" + "9" * 25 + "/report.csv",
    ],
)
def test_an_id_beyond_a_database_integer_is_not_found(client, auth, w, path):
    auth.sign_in(w.admin)
    assert client.get(path).status_code == 404


def test_the_largest_id_still_reaches_the_page_and_is_not_found(client, auth, w):
    auth.sign_in(w.admin)
    assert client.get(f"/people/{params.MAX_ID}").status_code == 404
    assert client.get(f"/people/{w.person.id}").status_code == 200


@pytest.mark.parametrize(
    "query, message",
    [
        ("?to=9999-12-31", "outside the years Stepladder covers"),
        ("?worker=²", "That worker was not found"),
        ("?worker=" + "9" * 25, "That worker was not found"),
        ("?from=2026-13-45", "is not a real date"),
    ],
)
def test_the_overview_says_which_filter_it_could_not_apply(client, auth, w, query, message):
    auth.sign_in(w.supervisor)
    response = client.get("/overview/" + query)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, message",
    [
        ("?to=9999-12-31", "outside the years Stepladder covers"),
        ("?worker=²", "That worker was not found"),
        ("?kind=everything", "not one Stepladder records"),
        ("?from=2026-02-01&to=2026-01-01", "before its start"),
    ],
)
def test_the_journey_timeline_says_which_filter_it_could_not_apply(
    client, auth, w, rows, query, message
):
    auth.sign_in(w.supervisor)
    response = client.get(f"/journey/{w.person.id}{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "Took the bus" in html  # the filter was dropped, so the entry still shows


@pytest.mark.parametrize(
    "query, message",
    [
        ("?user=" + "9" * 25, "Choose a user from the list."),
        ("?user=²", "Choose a user from the list."),
        ("?from=0001-01-01", "outside the years Stepladder covers"),
        ("?to=9999-12-31", "outside the years Stepladder covers"),
    ],
)
def test_the_audit_trail_says_which_filter_it_could_not_apply(client, auth, w, query, message):
    auth.sign_in(w.admin)
    page = client.get("/audit/" + query)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    export = client.get("/audit/events.csv" + query)
    assert export.status_code == 400 and message in export.get_data(as_text=True)


def test_a_huge_audit_page_number_shows_the_first_page(client, auth, w):
    auth.sign_in(w.admin)
    assert client.get("/audit/?page=" + "9" * 25).status_code == 200


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=2026-01-01&to=9999-12-31", "outside the years Stepladder covers"),
        ("?from=0001-01-01&to=2026-01-01", "outside the years Stepladder covers"),
        ("?from=2026-13-45&to=2026-12-31", "is not a real date"),
        ("?from=²&to=2026-12-31", "is not a date"),
        ("?from=2026-01-01", "Give the period as"),
    ],
)
def test_the_entries_export_refuses_a_bad_period_before_it_starts(client, auth, w, query, message):
    auth.sign_in(w.supervisor)
    response = client.get("/export/entries.csv" + query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert response.mimetype != "text/csv"


@pytest.mark.parametrize(
    "query",
    [
        "?period=0001-01",
        "?period=0001-Q1",
        "?period=FY0001",
        "?period=0001-01-01..0001-01-05",
        "?period=custom&from=0001-01-01&to=0001-01-05",
        "?period=9999-12",
    ],
)
def test_a_report_period_outside_the_covered_years_gets_a_message(client, auth, w, rows, query):
    auth.sign_in(w.admin)
    funder_id = rows["funder_id"][0]
    page = client.get(f"/reports/{funder_id}{query}")
    assert page.status_code == 422
    assert "outside the years Stepladder covers" in page.get_data(as_text=True)
    download = client.get(f"/reports/{funder_id}/report.csv{query}")
    assert download.status_code == 400
    assert "outside the years Stepladder covers" in download.get_data(as_text=True)


# --- app/params.py ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", 1),
        ("42", 42),
        (" 42 ", 42),
        (str(params.MAX_ID), params.MAX_ID),
        (str(params.MAX_ID + 1), None),
        ("9" * 25, None),
        ("0", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("²", None),
        ("٣", None),
        ("1e9", None),
        ("4.0", None),
        ("+4", None),
        ("0x10", None),
        ("1_000", None),
    ],
)
def test_parse_id_takes_only_ascii_digits_a_database_integer_can_hold(text, expected):
    assert params.parse_id(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-04-01", date(2026, 4, 1)),
        (" 2026-04-01 ", date(2026, 4, 1)),
        ("2000-01-01", date(2000, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_reads_iso_days_in_the_covered_years(text, expected):
    assert params.parse_date(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("9999-12-31", "outside the years Stepladder covers"),
        ("0001-01-01", "outside the years Stepladder covers"),
        ("1999-12-31", "outside the years Stepladder covers"),
        ("2101-01-01", "outside the years Stepladder covers"),
        ("2026-13-45", "is not a real date"),
        ("2026-02-30", "is not a real date"),
        ("20260401", "is not a date: use YYYY-MM-DD"),
        ("2026-W14-3", "is not a date: use YYYY-MM-DD"),
        ("²⁰²⁶-04-01", "is not a date: use YYYY-MM-DD"),
        ("yesterday", "is not a date: use YYYY-MM-DD"),
        ("2026-04-01T10:00", "is not a date: use YYYY-MM-DD"),
    ],
)
def test_parse_date_refuses_with_a_message_that_names_the_value(text, message):
    with pytest.raises(params.ParamError, match=message) as refused:
        params.parse_date(text)
    assert text[:10] in str(refused.value)


def test_parse_date_range_reads_open_ended_and_refuses_back_to_front():
    assert params.parse_date_range("2026-01-01", "") == (date(2026, 1, 1), None)
    assert params.parse_date_range(None, "2026-01-31") == (None, date(2026, 1, 31))
    assert params.parse_date_range("2026-01-01", "2026-01-01") == (date(2026, 1, 1),) * 2
    with pytest.raises(params.ParamError, match="before its start"):
        params.parse_date_range("2026-02-01", "2026-01-01")
    with pytest.raises(params.ParamError, match="outside the years"):
        params.parse_date_range("2026-01-01", "9999-12-31")
