"""Writing many rows fast, for the benchmarks' data loaders (``bench_data``
for the reminder benchmark, ``big_data`` for ``make bench-data``).

On PostgreSQL the rows go in with COPY (ten times bulk_create's speed at a
million rows); on SQLite, where the tests load tiny sizes, through
bulk_create, so both databases get the same rows.
"""

import json
from collections.abc import Iterable

from django.db import connection, models


def copy_rows(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
    """Write ``rows`` (tuples in ``columns``' order, field names; JSON as text)
    into ``model``'s table; returns how many."""
    fields = [model._meta.get_field(name) for name in columns]
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    json_at = [n for n, f in enumerate(fields) if isinstance(f, models.JSONField)]
    attnames = [f.attname for f in fields]
    objects = []
    for row in rows:
        values = list(row)
        for n in json_at:
            values[n] = json.loads(values[n])
        objects.append(model(**dict(zip(attnames, values, strict=True))))
    model.objects.bulk_create(objects, batch_size=500)
    return len(objects)
