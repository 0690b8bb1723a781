"""Form fields that several areas' forms share, and what a button says when its form fails."""

from flask import flash, redirect
from wtforms import SelectMultipleField, widgets

# A button's form fails only on its CSRF token: the page was open longer than the token lives.
STALE_PAGE = "The page was out of date. Please try again."


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes: easier on a phone and with a screen reader than a multi-select."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RouteCheckedCheckboxes(CheckboxesField):
    """Checkboxes whose chosen ids the route checks itself, answering with a clear message
    rather than WTForms' "not a valid choice"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


def stale_page(back: str):
    """Say the page was out of date and go back to `back` (a URL) to press the button again."""
    flash(STALE_PAGE, "error")
    return redirect(back)
