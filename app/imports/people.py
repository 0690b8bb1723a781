"""People from a spreadsheet: which column is which, a check of every row, then one insert.

The import is all-or-nothing: every row is checked first, and if any row has a problem,
nothing is stored and each problem is listed by its row number in the spreadsheet (the
column names are row 1, so the first person is row 2).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select

from app.csv_cells import FORMULA_STARTS
from app.extensions import db
from app.models import Organisation, Outcome, Person, Plan, User, caseload

MAX_NAME = 120
MAX_REFERENCE = 40
YES = {"yes", "y", "true", "1", "stories", "records,stories"}
NO = {"", "no", "n", "false", "0", "records"}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    guesses: tuple = ()


BASE_FIELDS = (
    Field(
        "display_name", "Name", True, ("name", "display name", "pseudonym", "full name", "person")
    ),
    Field(
        "reference", "Reference", True, ("reference", "ref", "reference code", "client id", "id")
    ),
    Field(
        "key_workers",
        "Key worker email",
        False,
        ("key worker", "keyworker", "key worker email", "worker"),
    ),
    # The ladders a person works on, by the outcomes' names: imported people reach their
    # worker ready to record, not "not working on any outcomes yet".
    Field(
        "outcomes",
        "Outcomes (ladders), separated by ;",
        False,
        ("outcomes", "outcome", "ladders", "ladder", "working on"),
    ),
    Field("consent_date", "Consent date", False, ("consent date", "consent given", "consented on")),
    Field(
        "stories",
        "Consents to stories (yes/no)",
        False,
        ("stories", "consent to stories", "story consent"),
    ),
)


def fields_for(org: Organisation) -> list[Field]:
    """The columns an import can fill: the basics, then the organisation's demographic fields."""
    extra = [
        Field(f"demographic:{name}", name.capitalize(), False, (name.lower(),))
        for name in org.demographic_field_list
    ]
    return [*BASE_FIELDS, *extra]


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def guess_mapping(headers: list[str], fields: list[Field]) -> dict[str, int | None]:
    """For each field, the column whose name matches it best (or None)."""
    names = [_normal(h) for h in headers]
    mapping = {}
    for f in fields:
        mapping[f.key] = next(
            (names.index(g) for g in (_normal(f.label), *f.guesses) if g in names), None
        )
    return mapping


@dataclass
class Checked:
    """The outcome of checking every row: people ready to store, or the problems by row."""

    people: list[dict] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def check(org: Organisation, headers: list[str], rows: list[list[str]], mapping: dict) -> Checked:
    """Check every row against the mapping; nothing is written here."""
    fields = fields_for(org)
    result = Checked()
    for f in fields:
        if f.required and mapping.get(f.key) is None:
            result.problems.append((1, f"Choose the column that holds “{f.label}”."))
    if result.problems:
        return result
    # Key workers are workers, as on the person form; references are compared exactly, as
    # the set-up form and the database's unique key compare them.
    workers = {
        u.email.lower(): u.id
        for u in db.session.scalars(
            select(User).where(User.organisation_id == org.id, User.active, User.role == "worker")
        )
    }
    taken = set(
        db.session.scalars(select(Person.reference).where(Person.organisation_id == org.id))
    )
    outcomes = {
        o.name.strip().lower(): o.id
        for o in db.session.scalars(
            select(Outcome).where(Outcome.organisation_id == org.id, ~Outcome.retired)
        )
    }
    seen_in_file: dict[str, int] = {}
    for index, row in enumerate(rows, start=2):
        problems = []
        for column, value in enumerate(row):
            if value.startswith(FORMULA_STARTS) and any(
                mapping.get(f.key) == column for f in fields
            ):
                problems.append(
                    f"“{headers[column]}” looks like a formula ({value[:20]}); use plain text."
                )
        values = {
            f.key: (row[mapping[f.key]].strip() if mapping.get(f.key) is not None else "")
            for f in fields
        }
        person = {
            "display_name": values["display_name"],
            "reference": values["reference"],
            "demographics": {},
        }
        if not person["display_name"]:
            problems.append("The name is missing.")
        elif len(person["display_name"]) > MAX_NAME:
            problems.append(f"The name is longer than {MAX_NAME} characters.")
        reference = person["reference"]
        if not reference:
            problems.append("The reference is missing.")
        elif len(reference) > MAX_REFERENCE:
            problems.append(f"The reference is longer than {MAX_REFERENCE} characters.")
        elif reference in taken:
            problems.append(f"Reference {reference} already belongs to someone in Stepladder.")
        elif reference in seen_in_file:
            problems.append(f"Reference {reference} is also on row {seen_in_file[reference]}.")
        else:
            seen_in_file[reference] = index
        person["key_workers"] = []
        for email in filter(
            None, (e.strip().lower() for e in re.split(r"[;,]", values["key_workers"]))
        ):
            if email not in workers:
                problems.append(f"No active worker has the email {email}.")
            else:
                person["key_workers"].append(workers[email])
        person["outcomes"] = []
        # Semicolons separate outcomes (an outcome's name may hold a comma).
        for name in filter(None, (n.strip() for n in values.get("outcomes", "").split(";"))):
            if name.lower() not in outcomes:
                problems.append(f"No outcome in use is called “{name[:60]}”.")
            else:
                person["outcomes"].append(outcomes[name.lower()])
        person["consent_date"] = None
        if values["consent_date"]:
            try:
                person["consent_date"] = _date(values["consent_date"])
            except ValueError:
                problems.append(
                    f"“{values['consent_date']}” is not a date (use 2025-03-31 or 31/03/2025)."
                )
        stories = values["stories"].lower()
        if stories not in YES | NO:
            problems.append(f"“{values['stories']}” should be yes or no.")
        person["consent_scope"] = "records,stories" if stories in YES else "records"
        for f in fields:
            if f.key.startswith("demographic:") and values[f.key]:
                name = f.key.split(":", 1)[1]
                answer = _answer(org, name, values[f.key][:100])
                if answer is None and not org.demographic_choices(name):
                    problems.append(
                        f"{f.label} has no answers to choose from yet (an admin lists them in "
                        "the organisation's settings): leave the column empty."
                    )
                elif answer is None:
                    problems.append(
                        f"“{values[f.key]}” is not one of the answers for {f.label}: "
                        + ", ".join(org.demographic_choices(name))
                        + "."
                    )
                else:
                    person["demographics"][name] = answer
        if problems:
            result.problems.extend((index, p) for p in problems)
        else:
            result.people.append(person)
    return result


def _answer(org: Organisation, name: str, value: str) -> str | None:
    """A demographic answer as the admin's list spells it (any case), or None when it is not
    on the list; a field without a list takes no answer (as on the person form)."""
    answers = org.demographic_choices(name)
    return next((a for a in answers if a.casefold() == value.strip().casefold()), None)


def store(org: Organisation, people: list[dict]) -> int:
    """Insert every checked person in one transaction; returns how many.

    A reference taken since the check raises IntegrityError with nothing stored (the caller
    rolls back and checks again, which names the row)."""
    persons = [
        Person(
            organisation_id=org.id,
            display_name=spec["display_name"],
            reference=spec["reference"],
            consent_date=spec["consent_date"],
            consent_scope=spec["consent_scope"],
            demographics=spec["demographics"],
        )
        for spec in people
    ]
    db.session.add_all(persons)
    db.session.flush()  # one batched INSERT for every person, returning their ids
    links = [
        {"person_id": person.id, "user_id": user_id}
        for person, spec in zip(persons, people, strict=True)
        for user_id in dict.fromkeys(spec["key_workers"])
    ]
    if links:
        db.session.execute(insert(caseload), links)
    plans = [
        {"person_id": person.id, "outcome_id": outcome_id, "own_words": ""}
        for person, spec in zip(persons, people, strict=True)
        for outcome_id in dict.fromkeys(spec.get("outcomes", []))
    ]
    if plans:
        db.session.execute(insert(Plan), plans)
    db.session.commit()
    return len(people)
