"""What a form accepts before anything else touches a value: emails no longer
than an address can be, and dates and times between 1900 and 2100.

An email over 254 characters cannot be anyone's address (RFC 5321), and the
sign-in throttle's table holds 255 at most. A date outside 1900-2100 is never
a visit or a plan here, and near the ends of Python's calendar (year 1, year
9999) turning a local time into UTC, or adding a plan's length, overflows.
Every form's date and time fields are these, so the rule lives in one place.
"""

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import Field
from django.views.defaults import bad_request

EMAIL_MAX_LENGTH = 254
EMAIL_TOO_LONG = (
    f"An email address has at most {EMAIL_MAX_LENGTH} characters. Check the address and try again."
)

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)
DATE_OUT_OF_RANGE = "Enter a date between 1 January 1900 and 31 December 2100."
DATETIME_OUT_OF_RANGE = "Enter a date and time between 1 January 1900 and 31 December 2100."
# PostgreSQL's integer columns; SQLite's are wider, so these hold on both.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def refuse_long_email(value: object) -> None:
    """A validator for any email field: refuses an over-long address kindly."""
    if isinstance(value, str) and len(value) > EMAIL_MAX_LENGTH:
        raise ValidationError(EMAIL_TOO_LONG, code="max_length")


class BoundedEmailField(forms.EmailField):
    """An email field that refuses an over-long address first, with one clear
    message, before any other check or query sees it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        refuse_long_email(value)
        return super().to_python(value)


def within_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2100; the browser's date picker is told so too."""

    def to_python(self, value):
        try:
            day = super().to_python(value)
        except OverflowError:
            raise ValidationError(DATE_OUT_OF_RANGE, code="out_of_range") from None
        if day is not None and not within_range(day):
            raise ValidationError(DATE_OUT_OF_RANGE, code="out_of_range")
        return day

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=EARLIEST_DAY.isoformat(), max=LATEST_DAY.isoformat())
        return attrs


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time between 1900 and 2100 on the clinic's own clock.

    The range is checked on the local date before anything converts it to
    UTC, so it holds in every time zone: year 1 in Tokyo would otherwise be
    stored as a year before 1 that cannot be read back.
    """

    def to_python(self, value):
        try:
            moment = super().to_python(value)
        except OverflowError:
            raise ValidationError(DATETIME_OUT_OF_RANGE, code="out_of_range") from None
        if moment is not None and not within_range(moment.date()):
            raise ValidationError(DATETIME_OUT_OF_RANGE, code="out_of_range")
        return moment

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "datetime-local":
            low = datetime.combine(EARLIEST_DAY, datetime.min.time())
            high = datetime.combine(LATEST_DAY, datetime.max.time())
            attrs.update(min=low.strftime("%Y-%m-%dT%H:%M"), max=high.strftime("%Y-%m-%dT%H:%M"))
        return attrs


def could_be_a_key(field: Field, value: object) -> bool:
    """Whether ``value``, as posted, could be held by ``field`` (a model's key,
    or another field that picks a row). An integer must be ASCII digits that
    fit the column: past 2**63, SQLite raises OverflowError and PostgreSQL a
    data error, both server errors, when a form looks several up at once
    (``id__in=[...]``)."""
    internal = field.get_internal_type()
    if internal not in INTEGER_RANGES:
        return True
    text = str(value).strip()
    if not (text.isascii() and text.removeprefix("-").isdigit()):
        return False
    low, high = INTEGER_RANGES[internal]
    return low <= int(text) <= high


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id that no row could have before it reaches the database."""

    def _check_values(self, value):
        self.check_keys(value)
        return super()._check_values(value)

    def check_keys(self, value) -> None:
        """Refuse (``invalid_pk_value``) a posted id no row could have."""
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.get_field(key) if key != "pk" else None
        field = field or self.queryset.model._meta.pk
        for pk in value:
            if not isinstance(pk, list | tuple | dict | set) and not could_be_a_key(field, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )


def date_hierarchy_in_range(params, field: str) -> bool:
    """Whether an admin date drill-down (``?<field>__year=...``) stays within
    1900-2100. Django's admin works out the next day or month itself, and
    from 31 December 9999 that overflows into a server error."""
    year = params.get(f"{field}__year")
    if year is None:
        return True
    # ASCII digits only: int() would also read other scripts' digits.
    return year.isascii() and year.isdigit() and EARLIEST_DAY.year <= int(year) <= LATEST_DAY.year


# The admin's date lookups: a drill-down (``at__year``) and the ranges of a
# date filter (``created_at__gte`` ... ``__lt``), in every admin, the
# packages' own included (sign-in attempts, second-factor devices).
_DATE_LOOKUPS = ("__year", "__gte", "__gt", "__lt", "__lte", "__date")
_LEADING_YEAR = re.compile(r"\s*([-+]?)(\d+)-")


def admin_dates_in_range(params) -> bool:
    """Whether every date in an admin list's query string falls in 1900-2100.
    Year 1 or 9999 in a date filter overflows when Django turns the local
    day into UTC, or works out the next day, and that is a server error.
    Other malformed values are left to the admin, which refuses them itself."""
    for key, values in params.lists():
        if not key.endswith(_DATE_LOOKUPS):
            continue
        for value in values:
            if key.endswith("__year"):
                year = value.strip()
                if not (year.isascii() and year.isdigit()):
                    continue
            else:
                match = _LEADING_YEAR.match(value)
                if match is None:
                    continue
                sign, year = match.groups()
                if sign:
                    return False
            if not EARLIEST_DAY.year <= int(year) <= LATEST_DAY.year:
                return False
    return True


class BoundedDateHierarchyMixin:
    """For a ``ModelAdmin`` with ``date_hierarchy``: a year outside 1900-2100
    in the query string is a 400, as any other bad query string is."""

    def changelist_view(self, request, extra_context=None):
        field = getattr(self, "date_hierarchy", None)
        if field and not date_hierarchy_in_range(request.GET, field):
            return bad_request(request, SuspiciousOperation("Date drill-down out of range"))
        return super().changelist_view(request, extra_context)
