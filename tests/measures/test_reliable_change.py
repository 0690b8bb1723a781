"""Reliable change: the authors' own threshold where they give one, else Jacobson & Truax's
1.96 × √2 × SEM (SEM = SD × √(1 − r)) from what the source gives, as MEASURES.md lists them."""

import copy
import json
import math
from datetime import datetime

import pytest

from app.measures.definitions import DefinitionError, jacobson_truax, parse_text, shipped
from app.measures.reporting import Reading, summarise
from app.measures.scoring import score

# Each shipped measure's threshold and where MEASURES.md says it comes from.
SHIPPED = [
    ("phq9", 6),  # NHS Talking Therapies: a drop of 6 or more
    ("gad7", 4),  # NHS Talking Therapies: a drop of 4 or more
    ("swemwbs", 2.87),  # Shah et al. 2018 (HQLO 16:239): 2.77 SEM = 2.87
    # Maheswaran et al. 2012 (HQLO 10:156): 2.77 SEM, SEM 2.4-3.1; the largest SEM gives
    # 1.96 × √2 × 3.1 = 8.59 (the audit found 8 used, below the source's 8.6).
    ("wemwbs", 8.59),
    ("gbo", 2.45),  # Edbrooke-Childs et al. 2015, as CORC reports it
    # Subjective quality of life: SD 1.1 (Mosler et al. 2020), alpha .71 (Priebe et al. 2012).
    ("dialog", 1.64),
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
        ({"sd": 1.1, "reliability": 0.71}, 1.6420),  # DIALOG quality of life: SEM 0.59237
        ({"sd": 1.17, "reliability": 0.57}, 2.1266),  # DIALOG treatment: SEM 0.76722 (unused)
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
    assert _moved("wemwbs", first, latest) == moved


def _moved(key: str, first: float, latest: float) -> str:
    """Which of the three reliable-change counts one person's pair falls in, by `summarise`."""
    readings = [
        Reading(1, datetime(2026, 1, 5, 10), first),
        Reading(1, datetime(2026, 4, 5, 10), latest),
    ]
    found = summarise(shipped()[key], readings, datetime(2026, 1, 1), datetime(2026, 7, 1))
    counts = {"improved": found.improved, "no_change": found.no_change,
              "deteriorated": found.deteriorated}  # fmt: skip
    assert sorted(counts.values()) == [0, 0, 1]
    return next(key for key, n in counts.items() if n)


# DIALOG's threshold, on subjective quality of life (the mean of the 8 life domains). "At" is
# the threshold itself: from 1.3 the sum and difference are exact in floating point (checked
# below), so the edge tested is the rule's, not rounding's.
DIALOG_AT = shipped()["dialog"].reliable_change


def test_dialog_threshold_is_worked_by_hand_from_its_sd_and_alpha():
    # 1.96 × √2 × 1.1 × √(1 − .71) = 2.771859 × 0.592368 = 1.641961
    found = shipped()["dialog"].reliable_change
    assert found == pytest.approx(1.96 * math.sqrt(2) * 1.1 * math.sqrt(0.29), rel=1e-12)
    assert found == pytest.approx(1.641961, abs=1e-6)


@pytest.mark.parametrize(
    ("first", "latest", "moved"),
    [
        (1.3, 1.3 + DIALOG_AT - 0.01, "no_change"),  # just below, up
        (1.3, 1.3 + DIALOG_AT, "improved"),  # at, up: "at least" the threshold
        (1.3, 1.3 + DIALOG_AT + 0.01, "improved"),  # just above, up
        (1.3 + DIALOG_AT - 0.01, 1.3, "no_change"),  # just below, down
        (1.3 + DIALOG_AT, 1.3, "deteriorated"),  # at, down
        (1.3 + DIALOG_AT + 0.01, 1.3, "deteriorated"),  # just above, down
        (3.0, 4.62, "no_change"),  # 13 more across the 8 answers: 1.625, rounded scores 1.62
        (3.0, 4.75, "improved"),  # 14 more: 1.75, the smallest reliable change in eighths
        (4.75, 3.0, "deteriorated"),  # 14 fewer
        (4.62, 3.0, "no_change"),  # 13 fewer
    ],
)
def test_dialog_pairs_are_judged_at_its_threshold_at_the_edges(first, latest, moved):
    # Either exactly at the threshold or clearly off it, never off by rounding alone.
    assert abs(latest - first) == DIALOG_AT or abs(abs(latest - first) - DIALOG_AT) > 0.005
    assert _moved("dialog", first, latest) == moved


def _answers(life: int, treatment: int) -> dict:
    """DIALOG answers: each of the 8 life domains `life`, each of the 3 treatment items
    `treatment`."""
    groups = shipped()["dialog"].scoring["groups"]
    return {k: life for k in groups["quality_of_life"]} | {
        k: treatment for k in groups["treatment_satisfaction"]
    }


@pytest.mark.parametrize(
    ("first", "latest", "moved"),
    [
        # Treatment satisfaction +3 and -3, far beyond its own 2.13: quality of life unmoved.
        (_answers(4, 2), _answers(4, 5), "no_change"),
        (_answers(4, 6), _answers(4, 3), "no_change"),
        # Quality of life +2 and -2 (beyond 1.64), treatment satisfaction the other way or still.
        (_answers(3, 6), _answers(5, 3), "improved"),
        (_answers(5, 4), _answers(3, 4), "deteriorated"),
        # Quality of life +1 only: not reliable, though treatment satisfaction rose by 4.
        (_answers(3, 2), _answers(4, 6), "no_change"),
    ],
)
def test_dialog_reliable_change_is_judged_on_quality_of_life_not_treatment(first, latest, moved):
    definition = shipped()["dialog"]
    a, z = score(definition, first), score(definition, latest)
    assert a.total == a.parts["quality_of_life"] and z.total == z.parts["quality_of_life"]
    assert _moved("dialog", a.total, z.total) == moved


@pytest.mark.parametrize(
    ("rule", "named", "message"),
    [
        # DIALOG reports and pairs its first group: the threshold cannot be another's.
        (None, "treatment_satisfaction", "pairs is its first group, 'quality_of_life'"),
        (None, "anything_else", "pairs is its first group"),
        ({"rule": "sum"}, "quality_of_life", "Only a measure scored as means of groups"),
    ],
)
def test_a_threshold_must_name_the_score_the_readings_report(rule, named, message):
    raw = copy.deepcopy(shipped()["dialog"].raw)
    raw["reliable_change"]["score"] = named
    if rule is not None:
        raw["scoring"] = rule
    with pytest.raises(DefinitionError, match=message):
        parse_text(json.dumps(raw))


def test_a_threshold_that_names_no_score_is_for_the_one_reported():
    # GBO's one group, and any organisation's own file written before scores were named.
    raw = copy.deepcopy(shipped()["dialog"].raw)
    del raw["reliable_change"]["score"]
    assert parse_text(json.dumps(raw)).reliable_change == DIALOG_AT
