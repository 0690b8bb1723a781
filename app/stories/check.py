"""The story check: what in a note would identify someone, and a wording without it.

It finds the names of the organisation's people and staff (whole names and each part),
people's references, email addresses, phone numbers, UK postcodes and street addresses.
A story may reach a funder only in a wording where it finds nothing (app/reports/report.py
checks again when the report is drawn, as people and staff are added after approval).
"""

import re
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Person, User

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers (07700 900123, +44 7700 900123, 020 7946 0000, (0161) 496 0000) and any other
# run of ten or more digits with the usual separators.
PHONE = re.compile(r"(?<![\w])(?:\+?\d[\d\s().-]{8,}\d)(?![\w])")
# The UK postcode shape (SW1A 1AA, M1 1AE, B33 8TH, CR2 6XH, DN55 1PT), and an outward code
# after "in" or "near" ("lives near LS6"), which narrows an address enough to count; a road
# number alone ("took the A1") is not a postcode.
POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
    r"|(?<=\bin )[A-Z]{1,2}\d{1,2}[A-Z]?\b|(?<=\bnear )[A-Z]{1,2}\d{1,2}[A-Z]?\b",
    re.IGNORECASE,
)
STREET_WORDS = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|court|ct|place|pl|"
    "gardens|terrace|grove|hill|square|sq|row|walk|mews|parade|park|rise|view|green|flats?|"
    "house|estate"
)
# "12 Acacia Avenue", "Flat 3, 14a Mill Lane", "Acacia Avenue" after "on"/"in"/"at".
ADDRESS = re.compile(
    rf"\b(?:flat\s+\d+\w?,?\s+)?\d+\w?,?\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{STREET_WORDS})\b"
    rf"|\b(?:on|in|at|off|near)\s+(?:[A-Z][\w'-]*\s+){{1,3}}(?:{STREET_WORDS})\b",
    re.IGNORECASE,
)
# Shorter parts of a name (an initial, "Jo") are too common as words to refuse on their own.
SHORTEST_NAME_PART = 3

KINDS = {
    "name": "a name",
    "reference": "a reference",
    "email": "an email address",
    "phone": "a phone number",
    "postcode": "a postcode",
    "address": "a street address",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    text: str  # what was found, as written


@dataclass
class Known:
    """The organisation's own words that identify someone: names and references."""

    names: set[str]
    references: set[str]

    @classmethod
    def for_organisation(cls, organisation_id: int) -> "Known":
        people = db.session.execute(
            select(Person.display_name, Person.reference).where(
                Person.organisation_id == organisation_id
            )
        ).all()
        staff = db.session.scalars(select(User.name).where(User.organisation_id == organisation_id))
        names: set[str] = set()
        for name in [*(p.display_name for p in people), *staff]:
            parts = [m.group().lower() for m in _words(name or "")]
            names.update(part for part in parts if len(part) >= SHORTEST_NAME_PART)
            if parts:
                names.add(" ".join(parts))  # the whole name, however short its parts ("Bo M.")
        references = {p.reference.strip().lower() for p in people if p.reference}
        return cls(names, references)


def _words(text: str):
    """Each word with its place: letters, digits and inner hyphens or apostrophes."""
    return re.finditer(r"[\w][\w'/-]*[\w]|[\w]", text)


def findings(text: str, known: Known) -> list[Finding]:
    """Everything in `text` that would identify someone, in the order it appears."""
    found: list[tuple[int, Finding]] = []
    for kind, pattern in (("email", EMAIL), ("address", ADDRESS), ("phone", PHONE)):
        for match in pattern.finditer(text):
            # "on Mill Lane": the street is the address, the word before it stays.
            lead = re.match(r"(?:on|in|at|off|near)\s+", match.group(), re.IGNORECASE)
            start = match.start() + (lead.end() if lead and kind == "address" else 0)
            found.append((start, Finding(kind, text[start : match.end()].strip())))
    taken = [(start, start + len(f.text)) for start, f in found]

    def free(start: int, end: int) -> bool:
        return not any(a <= start < b or a < end <= b for a, b in taken)

    for match in POSTCODE.finditer(text):
        if free(match.start(), match.end()) and re.search(r"\d", match.group()):
            found.append((match.start(), Finding("postcode", match.group())))
    words = [m for m in _words(text) if free(m.start(), m.end())]
    i = 0
    while i < len(words):
        match = words[i]
        # A whole name of up to three words first ("Bo M."), then each word on its own.
        for n in (3, 2):
            run = words[i : i + n]
            if len(run) == n and " ".join(m.group().lower() for m in run) in known.names:
                end = run[-1].end() + (1 if text[run[-1].end() : run[-1].end() + 1] == "." else 0)
                found.append((match.start(), Finding("name", text[match.start() : end])))
                i += n
                break
        else:
            word = match.group().lower()
            if word in known.references:
                found.append((match.start(), Finding("reference", match.group())))
            elif word in known.names or re.sub(r"'s$", "", word) in known.names:
                found.append((match.start(), Finding("name", match.group())))
            i += 1
    return [finding for _start, finding in sorted(found, key=lambda pair: pair[0])]


def problems(text: str, known: Known) -> list[str]:
    """Plain-words reasons a wording cannot be shared, one per kind found."""
    by_kind: dict[str, list[str]] = {}
    for finding in findings(text, known):
        by_kind.setdefault(finding.kind, []).append(finding.text)
    return [
        f"It still has {KINDS[kind]}: “{'”, “'.join(dict.fromkeys(texts))}”."
        for kind, texts in by_kind.items()
    ]


def suggest(text: str, known: Known) -> str:
    """The note with everything identifying replaced by a placeholder ("[name]", ...)."""
    result = text
    for finding in sorted(findings(text, known), key=lambda f: len(f.text), reverse=True):
        pattern = rf"(?<![\w]){re.escape(finding.text)}(?![\w])"
        result = re.sub(pattern, f"[{finding.kind}]", result)
    return re.sub(r"\[name\](?:\s+\[name\])+", "[name]", result)  # "Ada Lovelace": one name
