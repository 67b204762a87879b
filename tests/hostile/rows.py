"""What the database holds, for "nothing was written" and "what was written
is within the forms' limits".

"Nothing was written" compares a snapshot of every table taken before and
after a request: its row count and an md5 of its rows, so that an UPDATE is
caught as well as an INSERT or a DELETE. Tables and columns that change on
every request, or that a refusal rightly changes, are left out.
"""

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
# Columns a refusal may change: the time of the last sign-in (a client
# signs in again after a form that signed it out), and a second-factor
# device's wait and replay marks (a wrong code is refused *and* counted).
_DEVICE_MARKS = {
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "last_t",
}
IGNORED_COLUMNS = {
    ("accounts", "user"): {"last_login"},
    ("otp_totp", "totpdevice"): _DEVICE_MARKS,
    ("otp_static", "staticdevice"): _DEVICE_MARKS,
}


@cache
def counted_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in IGNORED_APPS
        and (model._meta.app_label, model._meta.model_name) not in IGNORED_MODELS
        and model._meta.managed
    ]


def _compared_columns(model: type[models.Model]) -> list[str]:
    ignored = IGNORED_COLUMNS.get((model._meta.app_label, model._meta.model_name), set())
    return [field.column for field in model._meta.concrete_fields if field.name not in ignored]


def _digest_sql(model: type[models.Model]) -> str:
    """SQL for one value: an md5 of the table's compared columns, row by row
    in primary-key order. Each value is written as its length, a colon and
    its text (NULL as "null"), so that no two different tables read alike."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    parts = [
        f"COALESCE(LENGTH(CAST({quote(column)} AS TEXT)) || ':' || CAST({quote(column)} AS TEXT), "
        "'null')"
        for column in _compared_columns(model)
    ]
    row = " || '|' || ".join(parts) or "''"
    if connection.vendor == "postgresql":
        return f"(SELECT md5(COALESCE(string_agg({row}, ';' ORDER BY {pk}), '')) FROM {table})"  # noqa: S608
    # SQLite before 3.44 has no ORDER BY inside GROUP_CONCAT; it concatenates
    # in the order the subquery gives. MD5 is Django's own SQLite function.
    return (
        f"(SELECT MD5(COALESCE(GROUP_CONCAT(r, ';'), '')) "  # noqa: S608
        f"FROM (SELECT {row} AS r FROM {table} ORDER BY {pk}))"
    )


def snapshot() -> dict[str, tuple[int, str]]:
    """Every compared table's row count and a digest of its contents, in one
    query: a row added, removed or changed (other than in the ignored columns)
    changes the table's pair."""
    models_ = counted_models()
    # Table and column names from the models, quoted; nothing here comes from a request.
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models_]
    values = []
    for model, table in zip(models_, tables, strict=True):
        values.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        values.append(_digest_sql(model))
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(values))
        row = cursor.fetchone()
    return {
        model._meta.label: (row[2 * index], row[2 * index + 1])
        for index, model in enumerate(models_)
    }


def written(
    before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]
) -> dict[str, str]:
    """The tables that differ, each with how: rows added or removed, or changed."""
    differences = {}
    for label, (count, digest) in before.items():
        new_count, new_digest = after[label]
        if new_count != count:
            differences[label] = f"{new_count - count:+d} rows"
        elif new_digest != digest:
            differences[label] = "rows changed"
    return differences


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


__all__ = ["date", "snapshot", "stored_out_of_bounds", "written"]
