"""Rows read by one fixed SQL statement, turned into model instances as the
ORM would turn them.

Every signed-in request reads the session row and the person's identity.
Through the ORM, most of their cost is compiling the same SQL again on each
request; here the statement is built once from the models' ``_meta`` and
only run. The values pass through the same converters the ORM applies, and
the instances come from ``Model.from_db`` with the ORM's default fetch mode,
so they are the instances a queryset would have given.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connections, models


@dataclass
class Columns:
    """The concrete columns of one model under one table alias, in the
    order ``Model.from_db`` takes them."""

    model: type[models.Model]
    alias: str
    start: int = 0
    fields: list = field(init=False)

    def __post_init__(self) -> None:
        self.fields = list(self.model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.end = self.start + len(self.fields)
        self.pk_index = self.attnames.index(self.model._meta.pk.attname)

    def select(self, quote: Callable[[str], str]) -> list[str]:
        return [f"{quote(self.alias)}.{quote(f.column)}" for f in self.fields]


def converters(columns: Sequence[Columns], connection) -> list[tuple[int, list, object]]:
    """The converters the ORM's compiler would apply to these columns
    (the backend's, then the field's), by position in the row."""
    found = []
    for cols in columns:
        for offset, model_field in enumerate(cols.fields):
            col = model_field.get_col(cols.alias)
            convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if convs:
                found.append((cols.start + offset, convs, col))
    return found


def convert(row: Sequence, convs: list[tuple[int, list, object]], connection) -> Sequence:
    if not convs:
        return row
    row = list(row)
    for pos, functions, col in convs:
        value = row[pos]
        for function in functions:
            value = function(value, col, connection)
        row[pos] = value
    return row


def instance(cols: Columns, db: str, row: Sequence) -> models.Model | None:
    """The model instance in ``row`` under ``cols``; None when its primary
    key is NULL (an outer join that found nothing), as select_related does."""
    values = row[cols.start : cols.end]
    if values[cols.pk_index] is None:
        return None
    return cols.model.from_db(db, cols.attnames, values, fetch_mode=models.FETCH_ONE)


# (model, database alias, conditions) -> (SQL, columns, converters)
_one_row_statements: dict[tuple, tuple[str, Columns, list]] = {}


def _one_row_statement(model: type[models.Model], using: str, conditions: tuple) -> tuple:
    key = (model, using, conditions)
    if key not in _one_row_statements:
        connection = connections[using]
        quote = connection.ops.quote_name
        opts = model._meta
        cols = Columns(model, opts.db_table)
        table = quote(opts.db_table)
        where = " AND ".join(
            f"{table}.{quote(opts.get_field(name).column)} {operator} %s"
            for name, operator in conditions
        )
        sql = f"SELECT {', '.join(cols.select(quote))} FROM {table} WHERE {where}"  # noqa: S608
        _one_row_statements[key] = (sql, cols, converters([cols], connection))
    return _one_row_statements[key]


def one_row(
    model: type[models.Model], using: str, conditions: tuple[tuple[str, str], ...], values
) -> models.Model | None:
    """The one ``model`` row where each field of ``conditions`` (name,
    operator) compares with its value in ``values``, or None; the statement
    is built once for each model, database and conditions. The values are
    prepared by their fields, as the ORM prepares them (a value the field
    cannot take raises its ValueError)."""
    sql, cols, convs = _one_row_statement(model, using, conditions)
    connection = connections[using]
    params = [
        model._meta.get_field(name).get_db_prep_value(value, connection)
        for (name, _), value in zip(conditions, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return instance(cols, using, convert(row, convs, connection))
