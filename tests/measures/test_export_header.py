"""The header of GET /export/measures.csv, pinned to PRODUCT.md's public contract: "one row
per completed measure, voided ones marked, with entry id, person reference, measure, score
(as the measure's scoring rule defines it), recorded_at, received_at, and one column per
item". Scripts read these columns by name; renaming one breaks them."""

import csv
import io
from datetime import timedelta

from app.extensions import db
from app.local_time import local_today
from tests.fixtures.measures import make_reading

# The contract's columns, in the order the export writes them, with the extras around them
# (the raw total before a conversion, subscales, how a reading was voided or corrected).
CONTRACT = [
    "entry_id",
    "person_reference",
    "measure",
    "score",
    "raw_score",
    "subscores",
    "recorded_at",
    "received_at",
    "status",  # voided ones marked
    "amends_entry_id",
]
# One column per item, measure by measure in name order, items in the measure's own order.
PHQ9_ITEMS = [f"phq9_{n}" for n in range(1, 10)]
SWEMWBS_ITEMS = [f"swemwbs_{n}" for n in (1, 2, 3, 6, 7, 9, 11)]  # WEMWBS items 1 2 3 6 7 9 11


def _header(client, first, last) -> list[str]:
    answer = client.get(f"/export/measures.csv?from={first}&to={last}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    return next(csv.reader(io.StringIO(answer.get_data(as_text=True))))


def test_measures_export_header_is_the_contracts_columns_then_one_per_item(client, auth, w, on):
    make_reading(w.person, w.worker, "swemwbs", 18.59, 2, answers={"1": 3})
    make_reading(w.person2, w.colleague, "phq9", 5, 1, answers={"9": 0})
    db.session.commit()
    auth.sign_in(w.supervisor)
    today = local_today()
    header = _header(client, today - timedelta(days=7), today)
    assert header == CONTRACT + PHQ9_ITEMS + SWEMWBS_ITEMS


def test_a_period_with_no_readings_still_has_the_contracts_header(client, auth, w, on):
    make_reading(w.person, w.worker, "swemwbs", 18.59, 30)
    db.session.commit()
    auth.sign_in(w.supervisor)
    today = local_today()
    assert _header(client, today - timedelta(days=7), today) == CONTRACT
