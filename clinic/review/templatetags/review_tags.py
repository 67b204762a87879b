"""Small fragments the practitioner's pages repeat once a row, a day or a
report: as tags built with ``format_html`` rather than includes, since an
include inside a loop costs a template render each time round.

The markup is the same as the templates had: aria-hidden symbols beside the
words that say the same, visually hidden text where a dash stands alone.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from clinic.review.adherence import Ratio

register = template.Library()

NOTHING_PLANNED = mark_safe(
    '<span aria-hidden="true">–</span><span class="visually-hidden">Nothing planned yet</span>'  # noqa: RUF001
)

# A calendar day's state in words (clinic/usage/plan_calendar.py), as the review shows it.
DAY_STATES = {
    "done": mark_safe('<span aria-hidden="true">✓</span> Done'),
    "missed": mark_safe('<span aria-hidden="true">✗</span> Missed'),
    "today": mark_safe('<span aria-hidden="true">→</span> Today, not yet done'),
    "upcoming": mark_safe("Planned"),
    "rest": mark_safe("Rest day"),
}


@register.simple_tag
def ratio(ratio: Ratio | None, unit: str = "", verdict: bool = False) -> SafeString:
    """A Ratio as "67 % (2 of 3)", or a dash when nothing was planned yet
    (or there is no ratio: a patient without a plan).

    ``unit`` (" min") goes after the counts. With ``verdict``, whether it
    counts as adherent (and any sessions much longer than prescribed);
    without, only those sessions.
    """
    if not getattr(ratio, "planned", None):
        return NOTHING_PLANNED
    if verdict:
        note = f" · {ratio.verdict}"
    elif ratio.longer:
        note = f" · {ratio.longer} much longer than prescribed"
    else:
        note = ""
    return format_html(
        "{} % <small>({} of {}{}){}</small>", ratio.percent, ratio.done, ratio.planned, unit, note
    )


@register.simple_tag
def day_state(state: str) -> SafeString:
    """A review calendar day's state in words, its symbol hidden from screen readers."""
    if state in DAY_STATES:
        return DAY_STATES[state]
    return format_html("{} Paused", render_to_string("includes/icon_paused.html"))


@register.simple_tag
def side_effect_words(report, shorten: int | None = None) -> SafeString:
    """What a side-effect report says: its symptoms, the patient's words (cut
    to ``shorten`` characters when given) and whether it paused the plan."""
    words = format_html("{}", ", ".join(report.symptom_names) or "in their own words")
    if report.details:
        details = Truncator(report.details).chars(shorten) if shorten else report.details
        words = format_html("{} — “{}”", words, details)
    if report.pauses_plan:
        words = format_html("{} (paused the plan)", words)
    return words
