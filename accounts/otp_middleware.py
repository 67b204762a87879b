"""django-otp's middleware, with the session's device read by a fixed statement.

On every page of someone who passed their second factor, django-otp reads
the device named in the session (``Device.from_persistent_id``) to check it
still exists, belongs to them and is confirmed. Compiling that ORM query cost
more than a third of such a page's CPU; here its SQL is built once per device
model and only run. The checks on the device are still django-otp's own
(``_finalize_device``); any persistent id this module does not recognise
plainly goes to django-otp's own reading.
"""

from django.apps import apps
from django.db import connections
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from accounts import fixed_rows

_statements: dict[tuple, tuple | None] = {}


def _statement(device_cls, using: str):
    key = (device_cls, using)
    if key not in _statements:
        queryset = device_cls.objects.get_queryset()
        query = queryset.query
        if query.where or query.select_related or query.deferred_loading[0]:
            # A manager that filters or joins: only the ORM reads it right.
            _statements[key] = None
        else:
            connection = connections[using]
            quote = connection.ops.quote_name
            opts = device_cls._meta
            cols = fixed_rows.Columns(device_cls, opts.db_table)
            table = quote(opts.db_table)
            id_column = quote(opts.get_field("id").column)
            sql = (
                f"SELECT {', '.join(cols.select(quote))} FROM {table} "  # noqa: S608
                f"WHERE {table}.{id_column} = %s"
            )
            _statements[key] = (sql, cols, fixed_rows.converters([cols], connection))
    return _statements[key]


def device_from_persistent_id(persistent_id: str):
    """As ``Device.from_persistent_id(persistent_id)``: the device, or None."""
    try:
        model_label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = model_label.split(".")
        device_cls = apps.get_model(app_label, model_name)
        pk = int(device_id)
    except (ValueError, LookupError):
        return None
    if not issubclass(device_cls, Device):
        return Device.from_persistent_id(persistent_id)
    using = device_cls.objects.db
    statement = _statement(device_cls, using)
    if statement is None:
        return Device.from_persistent_id(persistent_id)
    sql, cols, convs = statement
    connection = connections[using]
    try:
        value = device_cls._meta.get_field("id").get_db_prep_value(pk, connection)
    except ValueError:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    if row is None:
        return None
    return fixed_rows.instance(cols, using, fixed_rows.convert(row, convs, connection))


class OTPMiddleware(DjangoOTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        return device_from_persistent_id(self._normalize_persistent_id(persistent_id))
