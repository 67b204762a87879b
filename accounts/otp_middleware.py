"""django-otp's middleware, with the session's device read by a fixed statement.

On every page of someone who passed their second factor, django-otp reads
the device named in the session (``Device.from_persistent_id``) to check it
still exists, belongs to them and is confirmed. Compiling that ORM query cost
more than a third of such a page's CPU; here its SQL is built once per device
model and only run. The checks on the device are still django-otp's own
(``_finalize_device``); any persistent id this module does not recognise
plainly goes to django-otp's own reading.
"""

from functools import cache

from django.apps import apps
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from accounts import fixed_rows

BY_ID = (("id", "="),)


@cache
def _manager_narrows(device_cls) -> bool:
    """Whether the device's manager filters or joins: only the ORM reads it right."""
    query = device_cls.objects.get_queryset().query
    return bool(query.where or query.select_related or query.deferred_loading[0])


def device_from_persistent_id(persistent_id: str):
    """As ``Device.from_persistent_id(persistent_id)``: the device, or None."""
    try:
        model_label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = model_label.split(".")
        device_cls = apps.get_model(app_label, model_name)
        pk = int(device_id)
    except (ValueError, LookupError):
        return None
    if not issubclass(device_cls, Device) or _manager_narrows(device_cls):
        return Device.from_persistent_id(persistent_id)
    try:
        return fixed_rows.one_row(device_cls, device_cls.objects.db, BY_ID, [pk])
    except ValueError:
        return None


class OTPMiddleware(DjangoOTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        return device_from_persistent_id(self._normalize_persistent_id(persistent_id))
