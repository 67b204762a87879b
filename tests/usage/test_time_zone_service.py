"""The zone a patient's days follow, in the service layer
(clinic/usage/services.py: set_time_zone)."""

import pytest

from accounts.audit import Actor
from accounts.models import AuditEvent
from clinic.usage.rules import UsageRefused
from clinic.usage.services import set_time_zone


def test_a_zone_is_kept_and_audited_for_the_actor(pat):
    set_time_zone(pat, "Asia/Tokyo", actor=Actor(user=pat.user, path="/home/settings/"))
    pat.refresh_from_db()
    assert pat.time_zone == "Asia/Tokyo"
    event = AuditEvent.objects.get()
    assert (event.actor, event.clinic_id, event.action, event.object_type, event.object_id) == (
        pat.user,
        pat.clinic_id,
        "update",
        "accounts.patient",
        pat.pk,
    )
    assert event.path == "/home/settings/"


def test_blank_follows_the_clinic_again(pat):
    set_time_zone(pat, "Asia/Tokyo")
    set_time_zone(pat, "")
    pat.refresh_from_db()
    assert pat.time_zone == ""
    assert pat.zone.key == "Europe/London"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/London\x00"])
def test_an_unknown_zone_is_refused_and_changes_nothing(pat, zone):
    with pytest.raises(UsageRefused) as refused:
        set_time_zone(pat, zone)
    assert (refused.value.code, refused.value.field) == ("usage.unknown_time_zone", "time_zone")
    pat.refresh_from_db()
    assert pat.time_zone == ""
    assert not AuditEvent.objects.exists()
