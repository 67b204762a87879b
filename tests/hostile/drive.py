"""One hostile request and what must hold after it."""

from collections import Counter
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.hostile import send
from tests.hostile.discovery import CSRF, FoundForm
from tests.hostile.rows import crossing_clinics, snapshot, stored_out_of_bounds, written
from tests.hostile.values import submission

# Small, fixed and the same on every run: CI sees the same examples each time.
HOSTILE = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A form with nothing to fill in (a button) has little to vary: fewer examples.
FEW = 4

# A POST answered 200 is the form shown again with its errors, except here,
# where the page itself is the answer: unsubscribing says it is done.
SUCCESS_WITH_200 = {"unsubscribe"}


def submissions(form: FoundForm, foreign_ids: list[str]) -> st.SearchStrategy:
    """What the page would send, hostile in parts. An admin inline's blank
    row (``__prefix__``) is sent as a first row, so its fields are tried too."""
    fields = tuple(
        (name.replace("-__prefix__-", "-0-"), ("1",) if name.endswith("-TOTAL_FORMS") else values)
        for name, values in form.fields
        if name != CSRF
    )
    kinds = {name.replace("-__prefix__-", "-0-"): kind for name, kind in form.kinds}
    choices = {name.replace("-__prefix__-", "-0-"): offered for name, offered in form.choices}
    return submission(fields, kinds, choices, foreign_ids, date.today())


def refused(method: str, view_name: str, status: int) -> bool:
    if status >= 400:
        return True
    return method == "post" and status == 200 and view_name not in SUCCESS_WITH_200


# Examples run and answers seen, for the summary tests/hostile/conftest.py prints.
EXAMPLES: Counter[str] = Counter()


def record(response) -> None:
    EXAMPLES["examples"] += 1
    EXAMPLES[f"answered {response.status_code}"] += 1


def check(response, *, method: str, view_name: str, before: dict[str, tuple[int, str]]) -> None:
    status = response.status_code
    assert status < 500, f"{method.upper()} {view_name} answered {status}"
    after = snapshot()
    if method == "get" or refused(method, view_name, status):
        changed = written(before, after)
        assert changed == {}, f"refused with {status}, yet rows were written: {changed}"
    else:
        assert stored_out_of_bounds() == [], "a stored value is out of its form's bounds"
        assert crossing_clinics() == [], "a row now ties two clinics together"


__all__ = ["HOSTILE", "check", "record", "send", "snapshot", "submissions"]
