"""The organisation's own settings: its name, "not seen" threshold, fields and visibility."""

from flask import render_template, url_for

from app.access import allow
from app.audit import record
from app.setup import bp, queries
from app.setup.forms import SettingsForm
from app.setup.saving import saved


def option_lists(text: str, fields: list[str]) -> tuple[dict, list[str]]:
    """Read "field: answer, answer, ..." lines into {field: [answers]}; the problems found,
    in plain words (a field that is not collected, an empty list, an answer too long)."""
    lists, problems = {}, []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, colon, answers = line.partition(":")
        name = " ".join(name.split()).lower()
        if not colon or name not in fields:
            problems.append(
                f"“{line.strip()[:60]}”: start the line with one of the fields collected "
                f"({', '.join(fields) or 'none yet'}) and a colon."
            )
            continue
        found = []
        for answer in answers.split(","):
            answer = " ".join(answer.split())
            if answer and answer.lower() not in {a.lower() for a in found}:
                found.append(answer)
        if not found or any(len(a) > 100 for a in found):
            problems.append(
                f"“{name}”: give its answers separated by commas, each under 100 characters."
            )
            continue
        lists[name] = found
    return lists, problems


def options_text(lists: dict, fields: list[str]) -> str:
    """The answer lists as the settings form shows them, one field a line."""
    return "\n".join(f"{name}: {', '.join(lists[name])}" for name in fields if lists.get(name))


def field_list(text: str) -> list[str]:
    """Comma-separated field names, trimmed, lower-case, each once, in the order given."""
    names: list[str] = []
    for name in (text or "").split(","):
        name = " ".join(name.split()).lower()
        if name and name not in names:
            names.append(name)
    return names


@bp.route("/organisation", methods=["GET", "POST"])
@allow("admin")
def settings():
    """Change the organisation's name, "not seen" days, demographic fields and worker visibility."""
    org = queries.organisation()
    form = SettingsForm(obj=org)
    if form.is_submitted():
        valid = form.validate()
        fields = field_list(form.demographic_fields.data)
        if any(len(f) > 40 for f in fields):
            form.demographic_fields.errors.append("Keep each field name under 40 characters.")
        lists, problems = option_lists(form.demographic_options.data, fields)
        form.demographic_options.errors = list(form.demographic_options.errors) + problems
        if not valid or form.demographic_fields.errors or problems:
            return render_template("setup/settings.html", form=form), 422
        org.name = form.name.data
        org.not_seen_days = form.not_seen_days.data
        org.demographic_fields = ",".join(fields)
        org.demographic_options = lists
        org.workers_see_everyone = form.workers_see_everyone.data
        record("setup.change", f"organisation:{org.id}", "settings")
        return saved("Saved the organisation's settings.", url_for(".settings"))
    form.demographic_fields.data = ", ".join(org.demographic_field_list)
    form.demographic_options.data = options_text(
        org.demographic_options or {}, org.demographic_field_list
    )
    return render_template("setup/settings.html", form=form)
