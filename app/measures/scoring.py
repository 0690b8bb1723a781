"""Scoring rules: one entry per rule in one table, each scoring exactly as its authors define.

A rule checks that a definition gives it what it needs (`check`) and turns a reading's
answers into a score (`score`). Answers are the values on the measure's scale, before any
reversal; reversed items are turned round here, once, for every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.measures.errors import DefinitionError

if TYPE_CHECKING:  # rules read a definition; a definition is checked by its rule's code
    from app.measures.definitions import Definition


class ScoringError(ValueError):
    """The answers cannot be scored; the message says why, in plain words."""


@dataclass(frozen=True)
class Score:
    total: float | None  # the one number the measure reports, if it has one
    raw: float | None = None  # the sum before a conversion or prorating, where there is one
    parts: dict[str, float] = field(default_factory=dict)  # subscales, or items reported alone
    answered: int = 0


def _scored(definition: Definition, item_keys: list[str], answers: dict[str, int]) -> dict:
    """Each answered item's value, reversed where the definition says so, checked on the scale."""
    reversed_keys = {i.key for i in definition.items if i.reversed}
    allowed = set(definition.values)
    out = {}
    for key in item_keys:
        value = answers.get(key)
        if value is None:
            continue
        if value not in allowed:
            raise ScoringError(f"{value} is not an answer on this measure's scale.")
        if key in reversed_keys:
            value = definition.lowest + definition.highest - value
        out[key] = value
    unknown = set(answers) - set(item_keys)
    if unknown:
        raise ScoringError("Some answers are for questions this measure does not ask.")
    return out


def _require_all(item_keys: list[str], values: dict) -> None:
    missing = len(item_keys) - len(values)
    if missing:
        raise ScoringError(
            f"{missing} question{'s' if missing > 1 else ''} not answered; "
            "this measure is scored only when every question is answered."
        )


def _sum(definition, item_keys, answers) -> Score:
    values = _scored(definition, item_keys, answers)
    _require_all(item_keys, values)
    total = sum(values.values())
    return Score(total=total, raw=total, answered=len(values))


def _prorated_sum(definition, item_keys, answers) -> Score:
    # Prorating (e.g. CORE-10: 10 × total ÷ answered) stands in for a few missing answers
    # only; below the authors' minimum the score would be a guess, so it is refused.
    values = _scored(definition, item_keys, answers)
    least = definition.scoring["min_answered"]
    if len(values) < least:
        raise ScoringError(
            f"Only {len(values)} of {len(item_keys)} questions answered; "
            f"this measure needs at least {least} to be scored."
        )
    raw = sum(values.values())
    total = round(raw * len(item_keys) / len(values), 2)
    return Score(total=total, raw=raw, answered=len(values))


def _conversion(definition, item_keys, answers) -> Score:
    values = _scored(definition, item_keys, answers)
    _require_all(item_keys, values)
    raw = sum(values.values())
    return Score(total=definition.scoring["table"][str(raw)], raw=raw, answered=len(values))


def _group_means(definition, item_keys, answers) -> Score:
    values = _scored(definition, item_keys, answers)
    _require_all(item_keys, values)
    parts = {}
    for name, members in definition.scoring["groups"].items():
        members = item_keys if members == "all" else members
        if not members:
            raise ScoringError("There is nothing to rate yet.")
        parts[name] = round(sum(values[k] for k in members) / len(members), 2)
    return Score(total=next(iter(parts.values())), parts=parts, answered=len(values))


def _items(definition, item_keys, answers) -> Score:
    # Items reported separately (ONS4): never added up into one number.
    values = _scored(definition, item_keys, answers)
    _require_all(item_keys, values)
    return Score(total=None, parts=dict(values), answered=len(values))


def _check_nothing(definition: Definition) -> None:
    """Rules that need nothing beyond items and a scale."""


def _check_prorated(definition: Definition) -> None:
    least = definition.scoring.get("min_answered")
    if least is None or least > len(definition.items):
        raise DefinitionError("A prorated sum needs min_answered, at most the number of items.")


def _check_conversion(definition: Definition) -> None:
    table = definition.scoring.get("table") or {}
    n = len(definition.items)
    needed = {str(r) for r in range(definition.lowest * n, definition.highest * n + 1)}
    if set(table) != needed:
        raise DefinitionError(
            "A conversion table needs exactly one metric score for each raw total "
            f"from {definition.lowest * n} to {definition.highest * n}."
        )


def _check_groups(definition: Definition) -> None:
    keys = {i.key for i in definition.items}
    groups = definition.scoring.get("groups")
    if not groups:
        raise DefinitionError("Means of item groups need the groups.")
    for name, members in groups.items():
        if members != "all" and not set(members) <= keys:
            raise DefinitionError(f"Group {name!r} names items the measure does not have.")


@dataclass(frozen=True)
class Rule:
    label: str
    score: Callable[[Definition, list[str], dict[str, int]], Score]
    check: Callable[[Definition], None]


RULES: dict[str, Rule] = {
    "sum": Rule("Sum of the items", _sum, _check_nothing),
    "prorated_sum": Rule(
        "Sum, prorated when a few items are missing", _prorated_sum, _check_prorated
    ),
    "conversion": Rule("Sum converted with the authors' table", _conversion, _check_conversion),
    "group_means": Rule("Mean of each group of items", _group_means, _check_groups),
    "items": Rule("Each item reported separately", _items, _check_nothing),
}


def score(definition: Definition, answers: dict[str, int], item_keys: list[str] | None = None):
    """Score `answers` (item key → scale value) by the definition's own rule."""
    keys = item_keys if item_keys is not None else [i.key for i in definition.items]
    return RULES[definition.scoring["rule"]].score(definition, keys, answers)


def risks(definition: Definition, answers: dict[str, int]) -> list[str]:
    """The prompts of the risk items this reading's answers trip (e.g. PHQ-9 item 9 above 0)."""
    return [
        r["prompt"]
        for r in definition.risk_items
        if answers.get(r["item"]) is not None and answers[r["item"]] > r["above"]
    ]
