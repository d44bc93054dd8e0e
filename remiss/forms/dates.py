"""The one date field every form uses (datumfält): a date picker, and only 1900–2100.

A meeting typed as year 1026 or a deadline in 2101 is a typing error, not a plan; outside those
years the Swedish holidays are not even known (remiss.deadlines). So every date a person enters,
in every form, is refused outside them, with a Swedish message.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
OUT_OF_RANGE = "Ange ett datum mellan 1900 och 2100 (du skrev {value:%Y-%m-%d})."


class DateInput(forms.DateInput):
    """The browser's date picker, limited to the years the portal accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        attrs = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat(), **(attrs or {})}
        super().__init__(attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date from 1900 to 2100, typed as ÅÅÅÅ-MM-DD or picked."""

    widget = DateInput
    default_error_messages = {
        "invalid": "Ange ett giltigt datum, till exempel 2019-12-12.",
    }

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationError(
                OUT_OF_RANGE.format(value=value), code="out_of_range", params={"value": value}
            )
