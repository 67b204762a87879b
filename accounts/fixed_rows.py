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


class _Join:
    """One model of a statement: its columns, the join that reaches it from
    its parent, and how it is cached on the object it hangs from, the way the
    ORM's select_related caches it (RelatedPopulator)."""

    def __init__(self, model, alias: str, start: int, relation=None, parent=None, name=""):
        self.cols = Columns(model, alias, start)
        self.children: list[_Join] = []
        self.name = name
        self.join_on: tuple[str, str, str, str] | None = None
        if relation is None:
            return
        if relation.concrete:
            # A forward foreign key or one-to-one: parent.<name> -> model.
            self.local_setter = relation.set_cached_value
            self.remote_setter = relation.remote_field.set_cached_value if relation.unique else None
            self.join_on = (parent.cols.alias, relation.column, alias, relation.target_field.column)
        else:
            # A reverse one-to-one: parent.<related_name> -> model.
            if not relation.one_to_one:
                raise TypeError(f"{relation} is not a one-to-one relation.")
            forward = relation.field
            self.local_setter = relation.set_cached_value
            self.remote_setter = forward.set_cached_value
            self.join_on = (parent.cols.alias, forward.target_field.column, alias, forward.column)

    def populate(self, row, db: str, parent) -> None:
        obj = instance(self.cols, db, row)
        if obj is not None:
            for child in self.children:
                child.populate(row, db, obj)
        self.local_setter(parent, obj)
        if obj is not None and self.remote_setter is not None:
            self.remote_setter(obj, parent)


class Statement:
    """``model.objects.select_related(*related).get(**conditions)`` as one SQL
    statement, built once for a database, and its row turned into the very
    objects, relation caches included, that the queryset would give (None
    where it would raise DoesNotExist). ``conditions`` are (field name,
    operator) pairs, ``pk`` for the primary key; the values come with each
    call. Only unique conditions belong here: the first row found is the
    answer."""

    def __init__(
        self,
        model: type[models.Model],
        using: str,
        conditions: tuple[tuple[str, str], ...],
        related: tuple[str, ...] = (),
    ):
        connection = connections[using]
        quote = connection.ops.quote_name
        opts = model._meta
        self.model = model
        self.root = _Join(model, "T0", 0)
        joins = [self.root]
        for path in related:
            node = self.root
            for name in path.split("__"):
                child = next((c for c in node.children if c.name == name), None)
                if child is None:
                    relation = node.cols.model._meta.get_field(name)
                    child = _Join(
                        relation.related_model,
                        f"T{len(joins)}",
                        joins[-1].cols.end,
                        relation,
                        node,
                        name,
                    )
                    node.children.append(child)
                    joins.append(child)
                node = child
        select = [column for join in joins for column in join.cols.select(quote)]
        sql = [f"SELECT {', '.join(select)} FROM {quote(opts.db_table)} {quote('T0')}"]  # noqa: S608
        for join in joins[1:]:
            parent_alias, parent_column, alias, column = join.join_on
            sql.append(
                f"LEFT OUTER JOIN {quote(join.cols.model._meta.db_table)} {quote(alias)} "
                f"ON ({quote(parent_alias)}.{quote(parent_column)} = "
                f"{quote(alias)}.{quote(column)})"
            )
        self.fields = [opts.pk if name == "pk" else opts.get_field(name) for name, _ in conditions]
        where = " AND ".join(
            f"{quote('T0')}.{quote(field.column)} {operator} %s"
            for field, (_, operator) in zip(self.fields, conditions, strict=True)
        )
        sql.append(f"WHERE {where}")
        self.sql = " ".join(sql)
        self.convs = converters([join.cols for join in joins], connection)

    def get(self, using: str, values) -> models.Model | None:
        """The row where the conditions hold for ``values``, or None. The
        values are prepared by their fields, as the ORM prepares them (a value
        the field cannot take raises its ValueError)."""
        connection = connections[using]
        params = [
            field.get_db_prep_value(value, connection)
            for field, value in zip(self.fields, values, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = convert(row, self.convs, connection)
        found = instance(self.root.cols, using, row)
        for child in self.root.children:
            child.populate(row, using, found)
        return found


# (model, database alias, conditions, related) -> its Statement
_statements: dict[tuple, Statement] = {}


def one_row(
    model: type[models.Model],
    using: str,
    conditions: tuple[tuple[str, str], ...],
    values,
    related: tuple[str, ...] = (),
) -> models.Model | None:
    """The one ``model`` row where each field of ``conditions`` (name,
    operator) compares with its value in ``values``, with the ``related``
    rows (select_related paths) joined in and cached on it; or None. The
    statement is built once for each model, database, conditions and
    relations."""
    key = (model, using, conditions, related)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = Statement(model, using, conditions, related)
    return statement.get(using, values)
