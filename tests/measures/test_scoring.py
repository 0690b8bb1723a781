"""Every shipped scoring rule against its source, table by table."""

import copy
import json

import pytest

from app.measures.definitions import DefinitionError, parse, parse_text, shipped
from app.measures.scoring import RULES, ScoringError, risks, score

# Stewart-Brown et al. 2009 (HQLO 7:15), SWEMWBS raw total → metric score, as Warwick
# publishes it (PRODUCT.md: raw 20 is 18.59, raw 28 is 25.03).
SWEMWBS_METRIC = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}  # fmt: skip


def answers_summing_to(definition, total):
    """Answers, as even as the scale allows, whose (unreversed) values add up to `total`."""
    keys = [i.key for i in definition.items]
    low, high = definition.lowest, definition.highest
    values = [low] * len(keys)
    left = total - low * len(keys)
    for n in range(len(keys)):
        step = min(high - low, left)
        values[n] += step
        left -= step
    assert left == 0
    return dict(zip(keys, values, strict=True))


@pytest.mark.parametrize(("raw", "metric"), sorted(SWEMWBS_METRIC.items()))
def test_swemwbs_raw_total_is_converted_with_the_rasch_table(raw, metric):
    result = score(shipped()["swemwbs"], answers_summing_to(shipped()["swemwbs"], raw))
    assert result.raw == raw
    assert result.total == metric


def test_swemwbs_asks_wemwbs_items_1_2_3_6_7_9_11():
    wemwbs = {i.key: i.text for i in shipped()["wemwbs"].items}
    swemwbs = shipped()["swemwbs"].items
    assert [i.key for i in swemwbs] == ["1", "2", "3", "6", "7", "9", "11"]
    assert all(i.text == wemwbs[i.key] for i in swemwbs)
    assert [label for _, label in shipped()["swemwbs"].scale] == [
        "None of the time", "Rarely", "Some of the time", "Often", "All of the time",
    ]  # fmt: skip


def test_swemwbs_same_raw_total_gives_same_metric_whichever_items_carry_it():
    definition = shipped()["swemwbs"]
    keys = [i.key for i in definition.items]
    spread = dict(zip(keys, [5, 5, 5, 1, 1, 1, 2], strict=True))  # 20
    even = dict(zip(keys, [3, 3, 3, 3, 3, 3, 2], strict=True))  # 20
    assert score(definition, spread).total == score(definition, even).total == 18.59


@pytest.mark.parametrize("total", [14, 15, 42, 69, 70])
def test_wemwbs_is_the_plain_sum_14_to_70(total):
    definition = shipped()["wemwbs"]
    assert score(definition, answers_summing_to(definition, total)).total == total


# PHQ-9 (Kroenke 2001; NHS Talking Therapies): bands 0-4, 5-9, 10-14, 15-19, 20-27; caseness 10.
@pytest.mark.parametrize(
    ("total", "band", "case"),
    [
        (0, "Minimal", False), (4, "Minimal", False), (5, "Mild", False), (9, "Mild", False),
        (10, "Moderate", True), (14, "Moderate", True), (15, "Moderately severe", True),
        (19, "Moderately severe", True), (20, "Severe", True), (27, "Severe", True),
    ],
)  # fmt: skip
def test_phq9_band_and_caseness_edges(total, band, case):
    definition = shipped()["phq9"]
    result = score(definition, answers_summing_to(definition, total))
    assert result.total == total
    assert definition.band_of(result.total) == band
    assert (result.total >= definition.caseness) is case


# GAD-7 (Spitzer 2006; NHS Talking Therapies): bands 0-4, 5-9, 10-14, 15-21; caseness 8.
@pytest.mark.parametrize(
    ("total", "band", "case"),
    [
        (0, "Minimal", False), (4, "Minimal", False), (5, "Mild", False), (7, "Mild", False),
        (8, "Mild", True), (9, "Mild", True), (10, "Moderate", True), (14, "Moderate", True),
        (15, "Severe", True), (21, "Severe", True),
    ],
)  # fmt: skip
def test_gad7_band_and_caseness_edges(total, band, case):
    definition = shipped()["gad7"]
    result = score(definition, answers_summing_to(definition, total))
    assert result.total == total
    assert definition.band_of(result.total) == band
    assert (result.total >= definition.caseness) is case


def test_talking_therapies_reliable_change_thresholds():
    assert shipped()["phq9"].reliable_change == 6
    assert shipped()["gad7"].reliable_change == 4


@pytest.mark.parametrize(("item9", "risky"), [(0, False), (1, True), (3, True)])
def test_phq9_item_9_above_0_is_a_risk(item9, risky):
    definition = shipped()["phq9"]
    answers = {i.key: 0 for i in definition.items} | {"9": item9}
    assert bool(risks(definition, answers)) is risky


def test_ons4_items_are_reported_separately_never_combined():
    definition = shipped()["ons4"]
    answers = {"satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 2}
    result = score(definition, answers)
    assert result.total is None
    assert result.parts == answers


def test_dialog_quality_of_life_is_the_mean_of_8_and_satisfaction_of_3():
    definition = shipped()["dialog"]
    keys = [i.key for i in definition.items]
    answers = dict(zip(keys, [1, 2, 3, 4, 5, 6, 7, 4, 7, 6, 5], strict=True))
    result = score(definition, answers)
    assert result.parts == {"quality_of_life": 4.0, "treatment_satisfaction": 6.0}
    assert result.total == 4.0


def test_gbo_scores_the_mean_of_the_goals_it_was_given():
    definition = shipped()["gbo"]
    result = score(definition, {"goal_3": 4, "goal_9": 7}, item_keys=["goal_3", "goal_9"])
    assert result.parts == {"goals": 5.5}


def test_gbo_with_no_goals_cannot_be_scored():
    with pytest.raises(ScoringError, match="nothing to rate"):
        score(shipped()["gbo"], {}, item_keys=[])


def _custom(rule: dict, items=None, scale=(0, 1, 2, 3, 4)) -> dict:
    items = items or [{"key": str(n), "text": f"Question {n}"} for n in range(1, 11)]
    return {
        "key": "core10_like",
        "name": "Test measure",
        "title": "A measure for the tests",
        "scale": [{"value": v, "label": f"Answer {v}"} for v in scale],
        "items": items,
        "scoring": rule,
        "source": "Tests",
        "terms": "Tests only",
    }


def test_reversed_items_are_turned_round_before_summing():
    items = [{"key": str(n), "text": f"Q{n}", "reversed": n in (2, 3)} for n in range(1, 11)]
    definition = parse(_custom({"rule": "sum"}, items))
    answers = {str(n): 0 for n in range(1, 11)} | {"2": 4, "3": 1}
    # 2 → 0 and 3 → 3 on a 0-4 scale.
    assert score(definition, answers).total == 3


@pytest.mark.parametrize(
    ("answered", "expected"),
    [(10, 20.0), (9, 20.0), (8, 20.0)],
)
def test_prorated_sum_scales_up_to_the_full_count(answered, expected):
    definition = parse(_custom({"rule": "prorated_sum", "min_answered": 8}))
    answers = {str(n): 2 for n in range(1, answered + 1)}
    result = score(definition, answers)
    assert result.total == expected
    assert result.raw == 2 * answered


def test_prorated_sum_with_too_few_answers_is_refused():
    definition = parse(_custom({"rule": "prorated_sum", "min_answered": 8}))
    with pytest.raises(ScoringError, match="at least 8"):
        score(definition, {str(n): 2 for n in range(1, 8)})


def test_prorated_sum_keeps_fractions():
    definition = parse(_custom({"rule": "prorated_sum", "min_answered": 8}))
    answers = {str(n): 1 for n in range(1, 10)} | {"9": 2}  # 10 over 9 answered
    assert score(definition, answers).total == round(10 * 10 / 9, 2)


@pytest.mark.parametrize("key", ["swemwbs", "phq9", "gad7", "wemwbs", "dialog", "ons4"])
def test_a_missing_answer_is_refused_where_the_rule_needs_them_all(key):
    definition = shipped()[key]
    answers = {i.key: definition.lowest for i in definition.items[1:]}
    with pytest.raises(ScoringError, match="not answered"):
        score(definition, answers)


def test_an_answer_off_the_scale_is_refused():
    definition = shipped()["phq9"]
    with pytest.raises(ScoringError, match="not an answer"):
        score(definition, {i.key: 4 for i in definition.items})


def test_every_shipped_definition_names_its_source_terms_and_attribution():
    assert set(shipped()) == {"swemwbs", "wemwbs", "ons4", "gbo", "dialog", "phq9", "gad7"}
    for definition in shipped().values():
        assert definition.raw["source"] and definition.raw["terms"]
        assert definition.raw["attribution"] and "verification" in definition.raw
        assert definition.scoring["rule"] in RULES


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["scoring"].update(rule="average"), "Unknown scoring rule"),
        (lambda d: d["scoring"]["table"].pop("20"), "one metric score for each raw total"),
        (lambda d: d["items"].append(dict(d["items"][0])), "share one key"),
        (lambda d: d.pop("terms"), "'terms' is a required property"),
        (lambda d: d.update(risk_items=[{"item": "99", "above": 0, "prompt": "x"}]), "99"),
        (lambda d: d["scale"][0].update(value="one"), "scale/0/value"),
    ],
)
def test_a_broken_definition_is_refused_with_a_reason(change, message):
    raw = copy.deepcopy(shipped()["swemwbs"].raw)
    change(raw)
    with pytest.raises(DefinitionError, match=message):
        parse_text(json.dumps(raw))


def test_a_licensed_definition_keeps_its_wording_verbatim():
    wording = "I have felt tense, anxious or nervous"  # wording owned by its authors
    raw = _custom({"rule": "prorated_sum", "min_answered": 9})
    raw["items"][0]["text"] = wording
    assert parse_text(json.dumps(raw)).items[0].text == wording
