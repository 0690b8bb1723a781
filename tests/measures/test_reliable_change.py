"""Reliable change: the authors' own threshold where they give one, else Jacobson & Truax's
1.96 × √2 × SEM (SEM = SD × √(1 − r)) from what the source gives, as MEASURES.md lists them."""

import copy
import json
from datetime import datetime

import pytest

from app.measures.definitions import DefinitionError, jacobson_truax, parse_text, shipped
from app.measures.reporting import Reading, summarise

# Each shipped measure's threshold and where MEASURES.md says it comes from.
SHIPPED = [
    ("phq9", 6),  # NHS Talking Therapies: a drop of 6 or more
    ("gad7", 4),  # NHS Talking Therapies: a drop of 4 or more
    ("swemwbs", 2.87),  # Shah et al. 2018 (HQLO 16:239): 2.77 SEM = 2.87
    # Maheswaran et al. 2012 (HQLO 10:156): 2.77 SEM, SEM 2.4-3.1; the largest SEM gives
    # 1.96 × √2 × 3.1 = 8.59 (the audit found 8 used, below the source's 8.6).
    ("wemwbs", 8.59),
    ("gbo", 2.45),  # Edbrooke-Childs et al. 2015, as CORC reports it
    ("dialog", None),  # no threshold or SD and reliability verified
    ("ons4", None),  # four items reported alone, never one score
]


@pytest.mark.parametrize(("key", "threshold"), SHIPPED)
def test_each_shipped_threshold_is_the_one_its_source_gives(key, threshold):
    found = shipped()[key].reliable_change
    assert found == (pytest.approx(threshold, abs=0.005) if threshold is not None else None)


# Worked by hand: 1.96 × √2 = 2.77186.
@pytest.mark.parametrize(
    ("given", "threshold"),
    [
        ({"sem": 3.1}, 8.5928),  # WEMWBS, the largest SEM in Maheswaran 2012
        ({"sem": 2.4}, 6.6525),  # WEMWBS, the smallest (MEASURES.md's 6.6)
        ({"sd": 10, "reliability": 0.9}, 8.7653),  # SEM 10 × √0.1 = 3.16228
        ({"sd": 5, "reliability": 0.75}, 6.9297),  # SEM 5 × √0.25 = 2.5
        ({"sd": 8, "reliability": 0.96}, 4.4350),  # SEM 8 × √0.04 = 1.6
        ({"threshold": 6}, 6),  # the authors' own figure is used as given
    ],
)
def test_reliable_change_is_worked_from_the_sources_figures(given, threshold):
    raw = copy.deepcopy(shipped()["wemwbs"].raw)
    raw["reliable_change"] = given | {"source": "A source"}
    assert parse_text(json.dumps(raw)).reliable_change == pytest.approx(threshold, abs=0.0001)


def test_jacobson_truax_is_1_96_root_2_standard_errors():
    assert jacobson_truax(1) == pytest.approx(2.77186, abs=0.00001)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"threshold": 8, "sem": 3.1}, "valid under each of"),
        ({"sd": 10}, "'reliability' is a dependency of 'sd'"),
        ({"reliability": 0.9}, "'sd' is a dependency of 'reliability'"),
        ({"sd": 10, "reliability": 1}, "reliability"),
        ({"sem": 0}, "sem"),
        ({}, "is not valid under any of the given schemas"),
    ],
)
def test_a_reliable_change_given_two_ways_or_half_given_is_refused(given, message):
    raw = copy.deepcopy(shipped()["wemwbs"].raw)
    raw["reliable_change"] = given | {"source": "A source"}
    with pytest.raises(DefinitionError, match=message):
        parse_text(json.dumps(raw))


@pytest.mark.parametrize(
    ("first", "latest", "moved"),
    [
        (40, 48, "no_change"),  # +8: below 8.59, no longer counted as reliable
        (40, 49, "improved"),  # +9
        (49, 41, "no_change"),  # -8
        (49, 40, "deteriorated"),  # -9
    ],
)
def test_wemwbs_pairs_are_judged_at_the_sources_threshold(first, latest, moved):
    readings = [
        Reading(1, datetime(2026, 1, 5, 10), first),
        Reading(1, datetime(2026, 4, 5, 10), latest),
    ]
    found = summarise(shipped()["wemwbs"], readings, datetime(2026, 1, 1), datetime(2026, 7, 1))
    counts = {"improved": found.improved, "no_change": found.no_change,
              "deteriorated": found.deteriorated}  # fmt: skip
    assert counts == {key: int(key == moved) for key in counts}
