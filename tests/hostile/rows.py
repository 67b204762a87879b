"""What the database holds, for "nothing was written" and "what was written
is within the forms' limits"."""

from datetime import UTC, date, datetime
from functools import cache

from django.apps import apps
from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F, Q
from django.db.models.functions import Length

from accounts.bounds import EARLIEST_DAY, LATEST_DAY

# Written on any request, or by the sign-in throttle, whatever the form says.
IGNORED_APPS = {"sessions", "axes", "admin"}
# Audit rows, and the counters of sign-in and email limits: a refusal counts.
IGNORED_MODELS = {("accounts", "auditevent"), ("accounts", "sendingwindow")}


@cache
def counted_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in IGNORED_APPS
        and (model._meta.app_label, model._meta.model_name) not in IGNORED_MODELS
        and model._meta.managed
    ]


def row_counts() -> dict[str, int]:
    """Every counted table's rows, in one query."""
    models_ = counted_models()
    quote = connection.ops.quote_name
    # Table names from the models, quoted; nothing here comes from a request.
    tables = [quote(model._meta.db_table) for model in models_]
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {model._meta.label: count for model, count in zip(models_, counts, strict=True)}


def written(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        label: after[label] - before[label] for label in before if after[label] != before[label]
    }


# A datetime at midnight on 1 January 1900 in a zone ahead of UTC is stored
# on 31 December 1899: a day's margin either side.
_EARLIEST_MOMENT = datetime(EARLIEST_DAY.year - 1, 12, 30, tzinfo=UTC)
_LATEST_MOMENT = datetime(LATEST_DAY.year + 1, 1, 2, tzinfo=UTC)
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def _out_of_bounds(field) -> Q | None:
    name = field.name
    if isinstance(field, models.DateTimeField):
        return Q(**{f"{name}__lt": _EARLIEST_MOMENT}) | Q(**{f"{name}__gt": _LATEST_MOMENT})
    if isinstance(field, models.DateField):
        return Q(**{f"{name}__lt": EARLIEST_DAY}) | Q(**{f"{name}__gt": LATEST_DAY})
    if isinstance(field, models.CharField) and field.max_length:
        return Q(**{f"_len_{name}__gt": field.max_length})
    internal = field.get_internal_type()
    if internal in _INTEGER_RANGES and not field.primary_key and not field.is_relation:
        low, high = _INTEGER_RANGES[internal]
        return Q(**{f"{name}__lt": low}) | Q(**{f"{name}__gt": high})
    return None


def stored_out_of_bounds() -> list[str]:
    """Each model holding a value its column could not hold on PostgreSQL,
    or a date outside 1900-2100: one query per model."""
    problems = []
    for model in counted_models():
        rows = model._default_manager.all()
        condition = Q()
        for field in model._meta.concrete_fields:
            bad = _out_of_bounds(field)
            if bad is None:
                continue
            if isinstance(field, models.CharField):
                rows = rows.annotate(**{f"_len_{field.name}": Length(field.name)})
            condition |= bad
        if condition and rows.filter(condition).exists():
            problems.append(model._meta.label)
    return problems


def crossing_clinics() -> list[str]:
    """Rows that tie one clinic's patient to another clinic's practitioner:
    what a form given another clinic's id must never write."""
    from accounts.models import Patient

    crossed = Patient.objects.exclude(primary_practitioner__clinic=F("clinic"))
    return [f"patient {pk}" for pk in crossed.values_list("pk", flat=True)]


__all__ = ["date", "row_counts", "stored_out_of_bounds", "written"]
