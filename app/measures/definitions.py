"""Measure definitions: one JSON file per measure, checked against a schema when loaded.

A definition says everything the authors of a measure define: its items and answer scale,
reversed items, scoring rule, bands, caseness, reliable-change threshold, risk items, and its
source, terms and attribution. Nothing about scoring lives in code except the rules
themselves (`scoring.RULES`), so an organisation's own licensed measure is one more file.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema

from app.measures.errors import DefinitionError
from app.measures.scoring import RULES

HERE = Path(__file__).parent / "definitions"


def _closed(properties: dict, required: tuple[str, ...] = (), **more) -> dict:
    """A JSON object with these properties and no others, the `required` ones always there."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema | more


_band = _closed(
    {
        "from": {"type": "number"},
        "to": {"type": "number"},
        "label": {"type": "string", "minLength": 1},
    },
    required=("from", "to", "label"),
)

SCHEMA = _closed(
    {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 60},
        "title": {"type": "string", "minLength": 1, "maxLength": 200},
        "instructions": {"type": "string"},
        "scale": {
            "type": "array",
            "minItems": 2,
            "items": _closed(
                {"value": {"type": "integer"}, "label": {"type": "string", "minLength": 1}},
                required=("value", "label"),
            ),
        },
        "items": {
            "type": "array",
            "items": _closed(
                {
                    "key": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,40}$"},
                    "text": {"type": "string", "minLength": 1},
                    "reversed": {"type": "boolean"},
                    "higher_is_better": {"type": "boolean"},
                    "bands": {"type": "array", "items": _band},
                },
                required=("key", "text"),
            ),
        },
        "goals": _closed(
            {
                "from": {"const": "plan_own_words"},
                "max": {"type": "integer", "minimum": 1, "maximum": 10},
            },
            required=("from", "max"),
        ),
        "scoring": _closed(
            {
                "rule": {"type": "string"},
                "min_answered": {"type": "integer", "minimum": 1},
                "table": {"type": "object", "additionalProperties": {"type": "number"}},
                "groups": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                        "oneOf": [
                            {"const": "all"},
                            {"type": "array", "items": {"type": "string"}, "minItems": 1},
                        ]
                    },
                },
            },
            required=("rule",),
        ),
        "higher_is_better": {"type": "boolean"},
        "bands": {"type": "array", "items": _band},
        "caseness": _closed({"at_least": {"type": "number"}}, required=("at_least",)),
        # A threshold the authors give, or Jacobson & Truax's from what the source gives:
        # the standard error of measurement, or the SD and reliability it comes from. It is
        # for the score each reading reports, the one every paired figure is worked on; a
        # measure with several scores (DIALOG) names it in `score`, so that the figures it
        # came from cannot silently be applied to another of its scores (`_check_reliable`).
        "reliable_change": _closed(
            {
                "score": {"type": "string", "minLength": 1},
                "threshold": {"type": "number", "exclusiveMinimum": 0},
                "sem": {"type": "number", "exclusiveMinimum": 0},
                "sd": {"type": "number", "exclusiveMinimum": 0},
                "reliability": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                "source": {"type": "string", "minLength": 1},
            },
            required=("source",),
            # Exactly one way, and an SD only with its reliability.
            oneOf=[
                {"required": ["threshold"]},
                {"required": ["sem"]},
                {"required": ["sd", "reliability"]},
            ],
            dependentRequired={"sd": ["reliability"], "reliability": ["sd"]},
        ),
        "risk_items": {
            "type": "array",
            "items": _closed(
                {
                    "item": {"type": "string"},
                    "above": {"type": "number"},
                    "prompt": {"type": "string", "minLength": 1},
                },
                required=("item", "above", "prompt"),
            ),
        },
        "source": {"type": "string", "minLength": 1},
        "terms": {"type": "string", "minLength": 1},
        "registration": {"type": "string"},
        "attribution": {"type": "string"},
        "verification": {"type": "string"},
        "due": _closed(
            {
                "baseline": {"type": "boolean"},
                "every_weeks": {"type": ["integer", "null"], "minimum": 1, "maximum": 104},
                "at_discharge": {"type": "boolean"},
            }
        ),
    },
    required=("key", "name", "title", "scale", "items", "scoring", "source", "terms"),
)


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    reversed: bool = False
    higher_is_better: bool | None = None
    bands: tuple = ()


@dataclass(frozen=True)
class Definition:
    key: str
    name: str
    title: str
    scale: tuple  # ((value, label), ...)
    items: tuple[Item, ...]
    scoring: dict
    raw: dict = field(repr=False, compare=False)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(v for v, _ in self.scale)

    @property
    def lowest(self) -> int:
        return min(self.values)

    @property
    def highest(self) -> int:
        return max(self.values)

    @property
    def higher_is_better(self) -> bool:
        return self.raw.get("higher_is_better", True)

    @property
    def bands(self) -> list[dict]:
        return self.raw.get("bands", [])

    @property
    def caseness(self) -> float | None:
        return self.raw.get("caseness", {}).get("at_least")

    @property
    def reliable_change(self) -> float | None:
        """The smallest change that is reliable for one person, or None if none is given."""
        given = self.raw.get("reliable_change")
        if given is None:
            return None
        if "threshold" in given:
            return given["threshold"]
        if "sem" in given:
            return jacobson_truax(given["sem"])
        return jacobson_truax(given["sd"] * math.sqrt(1 - given["reliability"]))

    @property
    def risk_items(self) -> list[dict]:
        return self.raw.get("risk_items", [])

    @property
    def has_goals(self) -> bool:
        return "goals" in self.raw

    @property
    def due(self) -> dict:
        return {"baseline": True, "every_weeks": None, "at_discharge": True} | self.raw.get(
            "due", {}
        )

    def band_of(self, score: float | None) -> str | None:
        """The label of the band `score` falls in, if the measure defines bands."""
        return band_label(self.bands, score)

    def label_of(self, value: int) -> str:
        return dict(self.scale).get(value, str(value))


def jacobson_truax(sem: float) -> float:
    """Jacobson & Truax (1991): a change is reliable when it is at least 1.96 standard errors
    of the difference between two scores, that is 1.96 × √2 × SEM, where SEM = SD × √(1 − r)
    (MEASURES.md, "Reliable change")."""
    return 1.96 * math.sqrt(2) * sem


def band_label(bands: list[dict], score: float | None) -> str | None:
    """The label of the band holding `score`, or None."""
    if score is None:
        return None
    for band in bands:
        if band["from"] <= score <= band["to"]:
            return band["label"]
    return None


def parse(raw: dict) -> Definition:
    """Check a definition against the schema and its own consistency; return it, or raise."""
    try:
        jsonschema.validate(raw, SCHEMA)
    except jsonschema.ValidationError as problem:
        where = "/".join(str(p) for p in problem.absolute_path) or "the file"
        raise DefinitionError(f"In {where}: {problem.message}") from None
    rule = RULES.get(raw["scoring"]["rule"])
    if rule is None:
        raise DefinitionError(
            f"Unknown scoring rule {raw['scoring']['rule']!r}; known rules: {', '.join(RULES)}."
        )
    keys = [i["key"] for i in raw["items"]]
    if len(set(keys)) != len(keys):
        raise DefinitionError("Two items share one key.")
    values = [c["value"] for c in raw["scale"]]
    if len(set(values)) != len(values):
        raise DefinitionError("Two answers on the scale share one value.")
    if not keys and "goals" not in raw:
        raise DefinitionError("A measure needs at least one item.")
    for risk in raw.get("risk_items", []):
        if risk["item"] not in keys:
            raise DefinitionError(f"Risk item {risk['item']!r} is not one of the items.")
    definition = Definition(
        key=raw["key"],
        name=raw["name"],
        title=raw["title"],
        scale=tuple((c["value"], c["label"]) for c in raw["scale"]),
        items=tuple(
            Item(
                key=i["key"],
                text=i["text"],
                reversed=i.get("reversed", False),
                higher_is_better=i.get("higher_is_better"),
                bands=tuple(i.get("bands", ())),
            )
            for i in raw["items"]
        ),
        scoring=raw["scoring"],
        raw=raw,
    )
    rule.check(definition)
    _check_reliable(raw)
    return definition


def _check_reliable(raw: dict) -> None:
    """A threshold that names its score must name the one the readings report: for means of
    groups the first group (`scoring._group_means`), which reporting pairs; other rules
    report one score only, so there is nothing to name."""
    named = raw.get("reliable_change", {}).get("score")
    if named is None:
        return
    if raw["scoring"]["rule"] != "group_means":
        raise DefinitionError(
            "Only a measure scored as means of groups names the score its reliable change is for."
        )
    reported = next(iter(raw["scoring"]["groups"]))
    if named != reported:
        raise DefinitionError(
            f"The reliable change is for {named!r}, but the score this measure reports and "
            f"pairs is its first group, {reported!r}."
        )


def parse_text(text: str) -> Definition:
    """A definition from the text of a JSON file (an organisation's own import)."""
    try:
        raw = json.loads(text)
    except ValueError as problem:
        raise DefinitionError(f"This is not a JSON file: {problem}") from None
    if not isinstance(raw, dict):
        raise DefinitionError("A definition file holds one JSON object.")
    return parse(raw)


@cache
def shipped() -> dict[str, Definition]:
    """The definitions that ship with Stepladder, by key, read once."""
    found = {}
    for path in sorted(HERE.glob("*.json")):
        definition = parse_text(path.read_text(encoding="utf-8"))
        if definition.key != path.stem:
            raise DefinitionError(f"{path.name} holds the measure {definition.key!r}.")
        found[definition.key] = definition
    return found
