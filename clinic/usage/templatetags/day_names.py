"""A calendar's day in words, for the loops that print one per day (the
patient's plan, the review's calendar and charts).

Django's ``date`` filter works out its format afresh each call, which adds
up over a few hundred days a page. These give its output for a ``date``
("D j M" and "l j F") with Python's own formatting, whose day and month
names are the site's English ones. Anything else goes to the ``date`` filter:
a datetime (which, like ``date``, these are given in the current time zone)
or nothing.
"""

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter

register = template.Library()


def _is_day(value) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


@register.filter(expects_localtime=True)
def short_day(value) -> str:
    """ "Mon 3 Mar", as ``|date:"D j M"``."""
    if _is_day(value):
        return f"{value:%a} {value.day} {value:%b}"
    return date_filter(value, "D j M")


@register.filter(expects_localtime=True)
def long_day(value) -> str:
    """ "Monday 3 March", as ``|date:"l j F"``."""
    if _is_day(value):
        return f"{value:%A} {value.day} {value:%B}"
    return date_filter(value, "l j F")
