"""Form fields that several areas' forms share."""

from wtforms import SelectMultipleField, widgets


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
