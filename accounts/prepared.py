"""Querysets whose SQL is compiled once per process, then only run.

A page that runs the same few querysets on every request spends most of
their cost in the ORM building and compiling the same SQL again; only the
values (a patient's id, their today) change. ``PreparedQuery`` builds the
queryset once with marker values standing in for those, compiles it, notes
where each marker landed among the statement's parameters, and from then on
runs that statement with the real values in their places. The rows become
model instances through the ORM's own iterable, with the compiler that
compiled the statement (its select list, related populators, converters),
so they are the instances the queryset would have given, ``select_related``
and annotations included. ``accounts/fixed_rows.py`` does the same by hand
for the two rows every signed-in request reads.

Only for querysets whose SQL depends on nothing but the marked values: no
``now()``, no setting read at build time; a query with alternatives chosen in
Python is one ``PreparedQuery`` per alternative. A marker that is not among
the compiled statement's parameters is refused when first compiled.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Marker values no real row has: ids are positive, and no one's today is in 1001.
PATIENT_MARKER = -1_000_001
PLAN_MARKER = -1_000_002
DAY_MARKER = date(1001, 1, 1)


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: SQLCompiler
    sql: str
    params: tuple
    # (position among the params, name of the value, how the backend prepared it)
    slots: tuple[tuple[int, str, Callable], ...]


def _as_it_is(value: object) -> object:
    return value


def _preparers(marker: object, connection) -> list[Callable]:
    """How the backend may have put ``marker`` among the parameters: as it is
    (PostgreSQL's driver adapts a date itself), or as the backend prepares a
    date (SQLite's, a string)."""
    if isinstance(marker, date):
        return [_as_it_is, connection.ops.adapt_datefield_value]
    return [_as_it_is]


def _same(param: object, prepared: object) -> bool:
    return type(param) is type(prepared) and param == prepared


class PreparedQuery:
    """``build(**markers)`` returns the queryset (sliced as it is to run:
    ``first_row`` for one row); ``rows(**values)`` runs it."""

    def __init__(self, build: Callable[..., QuerySet], **markers: object) -> None:
        self._build = build
        self._markers = markers
        # Database alias -> compiled; filled once per process, read by every thread.
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        queryset = self._build(**self._markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = []
        for name, marker in self._markers.items():
            found = [
                (i, name, prepare)
                for prepare in _preparers(marker, connections[using])
                for i, p in enumerate(params)
                if _same(p, prepare(marker))
            ]
            if not found:
                raise ValueError(f"The marker for {name} is not among the query's parameters.")
            slots.extend(found)
        return _Compiled(queryset, compiler, sql, tuple(params), tuple(slots))

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: object) -> list[Model]:
        """The rows for ``values`` (one per marker). Nothing is set on them
        that a related manager would have set (the patient of their plans):
        the caller sets what it has in hand."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        params = list(compiled.params)
        for position, name, prepare in compiled.slots:
            params[position] = prepare(values[name])
        # A compiler of this request (this thread's connection), already set
        # up by compiling; asked for its SQL, it gives the statement as compiled.
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[using]
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        query = copy.copy(compiled.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        template = compiled.queryset
        queryset = type(template)(model=template.model, query=query, using=using)
        for name in ("_fetch_mode", "_iterable_class", "_fields", "_prefetch_related_lookups"):
            setattr(queryset, name, getattr(template, name))
        return list(queryset)


def first_row(queryset: QuerySet) -> QuerySet:
    """The queryset ``first()`` runs: ordered (by pk when it has no order), one row."""
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]
