"""The organisation's own settings: its name, "not seen" threshold, fields and visibility."""

from flask import flash, redirect, render_template, url_for

from app.access import allow
from app.audit import record
from app.extensions import db
from app.setup import bp, queries
from app.setup.forms import SettingsForm


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
        if not valid or form.demographic_fields.errors:
            return render_template("setup/settings.html", form=form), 422
        org.name = form.name.data
        org.not_seen_days = form.not_seen_days.data
        org.demographic_fields = ",".join(fields)
        org.workers_see_everyone = form.workers_see_everyone.data
        record("setup.change", f"organisation:{org.id}", "settings")
        db.session.commit()
        flash("Saved the organisation's settings.", "info")
        return redirect(url_for(".settings"), code=303)
    form.demographic_fields.data = ", ".join(org.demographic_field_list)
    return render_template("setup/settings.html", form=form)
