"""The sentences people read for the plans services' refusals, by code.

Dates in a sentence are formatted here ("Monday 2 March 2026"); the
services pass them as dates.
"""

from accounts.errors import register

DAY = "%A %-d %B %Y"

register(
    {
        # A plan's state
        "plan.not_waiting": "Only a plan that is waiting can be cleared.",
        "plan.not_active": "Only an active plan can be paused.",
        "plan.not_paused": "Only a paused plan can be resumed.",
        "plan.already_ended": "This plan has already ended.",
        "plan.ended_cannot_be_extended": (
            "An ended plan cannot be extended. Assign a new plan instead."
        ),
        "plan.form_used_twice": "This form was already used. Reload the page and try again.",
        # The safety gate
        "plan.blocked_by_contraindication": (
            "The latest safety answers rule the mat out, so a plan cannot start."
        ),
        "plan.needs_clearance": (
            "A safety answer needs your clearance, with a reason, before the plan can start."
        ),
        "plan.resume_blocked_by_contraindication": (
            "The latest safety answers rule the mat out, so the plan cannot carry on. "
            "If things have changed, record new answers in clinic first."
        ),
        "plan.resume_needs_confirmation": (
            "The patient changed an answer that ruled the mat out. Check it with them "
            "and confirm the change on their page first."
        ),
        # Dates, by form field
        "plan.starts_in_the_past": (
            f"A plan cannot start in the past. Choose today ({{today:{DAY}}}) or a later day."
        ),
        "plan.starts_too_far_ahead": "A plan must start within a year.",
        "plan.overlaps_an_earlier_plan": (
            f"An earlier plan runs until {{until:{DAY}}}, so the plans would overlap. "
            f"Start this one on {{first_free:{DAY}}} or later."
        ),
        "plan.ends_before_it_starts": (
            f"The last day must be on or after the first day ({{start:{DAY}}})."
        ),
        "plan.too_long": (
            f"A plan can last at most {{weeks}} weeks. With this first day, the last "
            f"day can be {{latest:{DAY}}} at the latest."
        ),
        "plan.extension_not_later": f"Choose a day after the current last day ({{end:{DAY}}}).",
        "plan.extension_too_long": (
            f"A plan can last at most {{weeks}} weeks: the last day "
            f"can be {{latest:{DAY}}} at the latest."
        ),
        # Stages, each named by number
        "plan.stage_minutes_out_of_bounds": (
            "Stage {stage}: sessions last between 1 and {most} minutes, "
            "the shortest no longer than the longest."
        ),
        "plan.stage_sessions_out_of_bounds": "Stage {stage}: plan 1 to {most} sessions a week.",
        "plan.stage_without_positions": "Stage {stage}: choose at least one position.",
        "plan.stage_surface_not_listed": (
            "Stage {stage}: choose a surface and clothing from the list."
        ),
        # Screening
        "screening.nothing_published": (
            "No safety guidance is published yet, so there is nothing to ask."
        ),
        "screening.unanswered": "Every question needs an answer; missing: {missing}.",
        "screening.answers_changed": (
            "The answers changed since this page was shown. Please look at them again."
        ),
        "screening.nothing_to_confirm": (
            "There is no changed answer waiting for your confirmation."
        ),
    }
)
