"""Rules for a routine's ladder of stages.

Pure functions with no database or request in sight, so that the admin
formset, the seed and the tests all check a ladder the same way.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

# Upper bounds for one stage. Frizziero 2021 used the mat for 60 minutes a
# day, so the ceiling leaves room above the usual 10-30 minutes without
# allowing a prescription no study supports.
MAX_MINUTES = 90
MAX_SESSIONS_PER_WEEK = 7


@dataclass(frozen=True)
class WeekRange:
    week_from: int
    week_to: int | None  # None: the stage carries on until the plan changes

    def describe(self) -> str:
        if self.week_to is None:
            return f"week {self.week_from} onwards"
        if self.week_to == self.week_from:
            return f"week {self.week_from}"
        return f"weeks {self.week_from} to {self.week_to}"


def ladder_problems(ranges: Sequence[WeekRange]) -> list[str]:
    """Everything wrong with a ladder's week ranges, as messages for an editor.

    A good ladder starts in week 1 and every later stage starts the week after
    the one before it ends; only the last stage may be left open-ended.
    """
    if not ranges:
        return ["A routine needs at least one stage. Add a stage that starts in week 1."]
    ordered = sorted(ranges, key=lambda r: r.week_from)
    problems = []
    if ordered[0].week_from != 1:
        problems.append(
            f"The first stage must start in week 1, but it starts in week {ordered[0].week_from}."
        )
    for earlier, later in pairwise(ordered):
        if earlier.week_to is None:
            problems.append(
                f"The stage for {earlier.describe()} has no end week, so it runs into the stage "
                f"for {later.describe()}. Give it an end week; only the last stage may be open."
            )
        elif later.week_from <= earlier.week_to:
            problems.append(
                f"The stages for {earlier.describe()} and {later.describe()} overlap. "
                "Each week belongs to exactly one stage."
            )
        elif later.week_from > earlier.week_to + 1:
            gap = WeekRange(earlier.week_to + 1, later.week_from - 1)
            problems.append(
                f"No stage covers {gap.describe()}. Start each stage the week after "
                "the one before it ends."
            )
    return problems
