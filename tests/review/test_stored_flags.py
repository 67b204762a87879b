"""The patient list's stored flags (``clinic.review.flags``, on the patient's
row): every service that writes a care row raises the patient's care version
and marks the stored flag out of date until worked out again, and then it says
what ``annotate_flagged`` says; a zone's midnight, another safety version, a
change of zone or a write landing after the refresh leave a flag out of date,
never wrong; a full save of the patient never brings an old flag back; the
scheduled job catches up."""

from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.audit import Actor
from accounts.care import care_changed
from accounts.clock import patient_today
from accounts.models import FLAG_OUT_OF_DATE, Patient
from clinic.background.schedule import JOBS
from clinic.plans.screening import confirm_withdrawal
from clinic.plans.services import (
    end_plan_early,
    extend_plan,
    pause_plan,
    resume_plan,
)
from clinic.review import flags
from clinic.review.flags import (
    LONGEST_DAY,
    next_midnight,
    out_of_date,
    refresh_stale,
    refresh_stale_flags,
)
from clinic.review.queries import annotate_flagged, own_zones
from clinic.review.services import mark_reports_seen
from clinic.usage.models import SideEffectReport
from clinic.usage.rules import LogDetails
from clinic.usage.services import (
    check_off,
    report_side_effect,
    save_details,
    set_time_zone,
    undo_check_off,
)
from mats.models import Contraindication
from mats.services import publish_safety_version
from tests.factories import bulk_patients_with_plans, make_plan, screen

LONDON = ZoneInfo("Europe/London")


def _computed(patient, now=None) -> bool:
    clinic = patient.clinic
    now = now or timezone.now()
    found = annotate_flagged(Patient.objects.filter(pk=patient.pk), clinic, own_zones(clinic), now)
    return found.get().flagged_now


def _refresh(patient, now=None) -> int:
    return refresh_stale(Patient.objects.get(pk=patient.pk).clinic, now or timezone.now())


def _stored(patient) -> bool:
    return Patient.objects.values_list("flagged", flat=True).get(pk=patient.pk)


def _until(patient):
    return Patient.objects.values_list("flag_until", flat=True).get(pk=patient.pk)


def _stale(patient, now=None) -> list[int]:
    """The pks of the patient's clinic whose flags are out of date."""
    clinic = Patient.objects.get(pk=patient.pk).clinic
    return [pk for pk, _ in out_of_date(clinic, now or timezone.now())]


def _version(patient) -> int:
    return Patient.objects.values_list("care_version", flat=True).get(pk=patient.pk)


def _after(patient, write) -> bool:
    """Run ``write`` on a patient whose stored flag is current: it must raise
    their care version, leave the stored flag out of date, and the flag
    stored next must be the one worked out now."""
    _refresh(patient)
    assert _refresh(patient) == 0  # current
    before = _version(patient)
    write()
    assert _version(patient) > before, "this write did not raise the care version"
    assert _refresh(patient) == 1
    assert _stored(patient) == _computed(patient)
    return _stored(patient)


def test_every_writer_of_care_rows_leaves_the_stored_flag_to_be_worked_out_again(
    pat, alice, safety, routine
):
    seen = []
    # Screenings: an absolute yes, the patient's no taking it back, confirmed.
    seen.append(_after(pat, lambda: screen(pat, yes=["open-wounds"])))
    taken_back = []
    seen.append(
        _after(
            pat,
            lambda: taken_back.append(screen(pat, source="patient", recorded_by=pat.user)),
        )
    )
    seen.append(_after(pat, lambda: confirm_withdrawal(taken_back[0], confirmed_by=alice.user)))
    # A plan begun 10 days ago with nothing logged: sessions missed in a row.
    today = patient_today(pat)
    start = today - timedelta(days=10)
    plans = []
    seen.append(
        _after(pat, lambda: plans.append(make_plan(pat, routine, start=start, today=start)))
    )
    plan = plans[0]
    past = list(plan.sessions.filter(date__lt=today).order_by("date"))
    logs = []

    def tick():
        for session in past:
            noon = datetime.combine(session.date, datetime.min.time(), tzinfo=pat.zone)
            logs.append(check_off(session, today=session.date, now=noon)[0])

    seen.append(_after(pat, tick))
    seen.append(
        _after(pat, lambda: save_details(logs[-1], LogDetails(pain_before=2, pain_after=8)))
    )
    seen.append(_after(pat, lambda: undo_check_off(logs[-1], today=past[-1].date)))
    # Side effects, reported and seen.
    seen.append(
        _after(
            pat,
            lambda: report_side_effect(
                pat, codes=["bruising"], details="A bruise", submission_key=uuid4()
            ),
        )
    )
    seen.append(_after(pat, lambda: mark_reports_seen(pat, actor=Actor(user=alice.user))))
    # The plan held, resumed, extended, ended.
    seen.append(_after(pat, lambda: pause_plan(plan)))
    seen.append(_after(pat, lambda: resume_plan(plan)))
    seen.append(_after(pat, lambda: extend_plan(plan, plan.end_date + timedelta(days=7))))
    seen.append(_after(pat, lambda: end_plan_early(plan)))
    # A relative yes wants a clearance, which a new plan brings.
    seen.append(_after(pat, lambda: screen(pat, yes=["pregnancy"])))
    seen.append(
        _after(
            pat,
            lambda: make_plan(pat, routine, clearances={"pregnancy": "Seen by her GP."}),
        )
    )
    # The walk went both ways, so each comparison could have failed.
    assert True in seen and False in seen


def test_an_admin_edit_of_a_care_row_raises_the_care_version(pat, safety):
    report = _after(
        pat,
        lambda: SideEffectReport.objects.create(
            patient=pat, day=patient_today(pat), details="A bruise", submission_key=uuid4()
        ),
    )
    assert report is True
    assert _after(pat, lambda: SideEffectReport.objects.filter(patient=pat).get().delete()) is False


def test_saving_a_patient_read_earlier_keeps_the_newer_care_version(pat):
    earlier = Patient.objects.get(pk=pat.pk)
    care_changed(pk=pat.pk)
    earlier.full_name = "Pat Renamed"
    earlier.save()
    assert _version(pat) == 1


@pytest.fixture
def zoned(pat):
    """Pat in the clinic's zone (London) and one patient in Tokyo."""
    pat.clinic.time_zone = "Europe/London"
    pat.clinic.save()
    tokyo = Patient.objects.create(
        clinic=pat.clinic,
        primary_practitioner=pat.primary_practitioner,
        full_name="Toshi Far",
        email="toshi@x.example",
        time_zone="Asia/Tokyo",
    )
    return pat, tokyo


def test_a_zones_midnight_leaves_its_patients_flags_out_of_date(zoned, time_machine):
    pat, tokyo = zoned
    time_machine.move_to(datetime(2026, 6, 1, 23, 30, tzinfo=LONDON), tick=False)
    assert _stale(pat) == [pat.pk, tokyo.pk]  # never worked out
    assert _refresh(pat) == 2
    assert _stale(pat) == []
    assert _until(pat) == datetime(2026, 6, 2, tzinfo=LONDON)
    assert _until(tokyo) == datetime(2026, 6, 3, tzinfo=ZoneInfo("Asia/Tokyo"))
    # A minute before London's midnight both still hold.
    time_machine.move_to(datetime(2026, 6, 1, 23, 59, tzinfo=LONDON), tick=False)
    assert _stale(pat) == []
    # London's midnight; Tokyo's was hours ago, and its next is hours away.
    time_machine.move_to(datetime(2026, 6, 2, 0, 0, tzinfo=LONDON), tick=False)
    assert _stale(pat) == [pat.pk]
    assert _refresh(pat) == 1
    assert _until(pat) == datetime(2026, 6, 3, tzinfo=LONDON)
    # Tokyo's midnight: only Toshi.
    time_machine.move_to(datetime(2026, 6, 3, tzinfo=ZoneInfo("Asia/Tokyo")), tick=False)
    assert _stale(pat) == [tokyo.pk]
    assert _refresh(pat) == 1
    assert _stale(pat) == []


def test_a_clock_set_back_a_day_leaves_the_flags_out_of_date(zoned, time_machine):
    pat, tokyo = zoned
    time_machine.move_to(datetime(2026, 6, 3, 12, 0, tzinfo=LONDON), tick=False)
    _refresh(pat)
    time_machine.move_to(datetime(2026, 6, 2, 11, 0, tzinfo=LONDON), tick=False)
    assert _stale(pat) == [pat.pk, tokyo.pk]
    assert _refresh(pat) == 2
    assert _until(pat) == datetime(2026, 6, 3, tzinfo=LONDON)


def test_every_midnight_is_within_the_longest_day():
    """Else a flag just worked out would count as worked out for a later day."""
    start = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
    for zone in ("Europe/London", "Antarctica/Troll", "America/Santiago", "Pacific/Apia"):
        for hour in range(0, 366 * 24, 7):
            now = start + timedelta(hours=hour)
            assert now < next_midnight(zone, now) <= now + LONGEST_DAY


def test_a_change_of_the_patients_zone_leaves_their_flag_out_of_date(zoned, time_machine):
    pat, _tokyo = zoned
    time_machine.move_to(datetime(2026, 6, 1, 20, 0, tzinfo=LONDON), tick=False)
    _refresh(pat)
    set_time_zone(Patient.objects.get(pk=pat.pk), "Asia/Tokyo")
    assert _stale(pat) == [pat.pk]
    assert _refresh(pat) == 1
    assert _until(pat) == datetime(2026, 6, 3, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_a_change_of_the_clinics_zone_leaves_its_followers_flags_out_of_date(zoned, time_machine):
    pat, _tokyo = zoned
    time_machine.move_to(datetime(2026, 6, 1, 20, 0, tzinfo=LONDON), tick=False)
    _refresh(pat)
    clinic = Patient.objects.get(pk=pat.pk).clinic
    clinic.save()  # the same zone: nothing to work out again
    assert _stale(pat) == []
    clinic.time_zone = "Pacific/Kiritimati"
    clinic.save()
    # Toshi keeps his own zone.
    assert _stale(pat) == [pat.pk]
    assert _refresh(pat) == 1
    assert _until(pat) == next_midnight("Pacific/Kiritimati", timezone.now())


def test_a_full_save_of_a_patient_read_earlier_keeps_the_flag_out_of_date(pat, safety):
    _refresh(pat)
    earlier = Patient.objects.get(pk=pat.pk)
    assert earlier.flag_until > timezone.now()
    SideEffectReport.objects.create(
        patient=pat, day=patient_today(pat), details="A bruise", submission_key=uuid4()
    )
    assert _stale(pat) == [pat.pk]
    earlier.full_name = "Pat Renamed"
    earlier.save()  # its flag and until are the ones read before the report
    assert _stale(pat) == [pat.pk]
    assert _stored(pat) is False
    assert _refresh(pat) == 1
    assert _stored(pat) is True


def test_a_new_safety_version_leaves_every_flag_out_of_date(pat, safety, staff):
    _refresh(pat)
    assert _stale(pat) == []
    Contraindication.objects.filter(code="pregnancy").update(
        practitioner_explanation="Positions need adapting; lying on the side instead."
    )
    publish_safety_version(change_note="Clearer wording.", published_by=staff)
    assert _stale(pat) == [pat.pk]
    assert _refresh(pat) == 1
    assert Patient.objects.get(pk=pat.pk).flag_safety_version == safety.number + 1


def test_missed_sessions_flag_after_midnight(screened_pat, routine, time_machine):
    pat = screened_pat
    time_machine.move_to(datetime(2026, 6, 1, 12, 0, tzinfo=LONDON), tick=False)
    pat.clinic.time_zone = "Europe/London"
    pat.clinic.save()
    make_plan(pat, routine, start=datetime(2026, 6, 1).date())
    _refresh(pat)
    assert _stored(pat) is False
    # Days go by with nothing logged; the list's own refresh notices each new day.
    for day in range(2, 20):
        time_machine.move_to(datetime(2026, 6, day, 0, 5, tzinfo=LONDON), tick=False)
        assert _refresh(pat) == 1
        assert _stored(pat) == _computed(pat)
    assert _stored(pat) is True


def test_a_flag_stored_for_another_safety_version_is_out_of_date(pat, safety):
    _refresh(pat)
    for other in (safety.number + 1, safety.number - 1):
        Patient.objects.filter(pk=pat.pk).update(flag_safety_version=other)
        assert _stale(pat) == [pat.pk]
        assert _refresh(pat) == 1
        assert Patient.objects.get(pk=pat.pk).flag_safety_version == safety.number


def test_a_write_after_the_refresh_leaves_the_row_out_of_date_not_wrong(alice_client, pat, safety):
    _refresh(pat)
    assert _stored(pat) is False
    # A report lands just after the refresh read the care rows: the write
    # raises the version and marks the flag out of date.
    stored_version = _version(pat)
    SideEffectReport.objects.create(
        patient=pat, day=patient_today(pat), details="A bruise", submission_key=uuid4()
    )
    assert _version(pat) > stored_version
    assert _until(pat) == FLAG_OUT_OF_DATE
    assert _stored(pat) is False  # not yet worked out again...
    response = alice_client.get(reverse("patient-list"), {"show": "attention"})
    assert response.status_code == 200
    assert pat.full_name in response.text  # ...but the list does so first
    assert _stored(pat) is True


def test_the_list_counts_by_the_stored_flags_it_brought_up_to_date(
    alice_client, clinic_a, alice, safety
):
    bulk_patients_with_plans(clinic_a, alice, 3, prefix="Low", done_every=3)
    bulk_patients_with_plans(clinic_a, alice, 2, prefix="Fine", done_every=1)
    response = alice_client.get(reverse("patient-list"))
    assert response.context["page"].flagged == 3
    assert not Patient.objects.filter(clinic=clinic_a, flag_until=FLAG_OUT_OF_DATE).exists()


def test_the_scheduled_job_brings_every_clinics_flags_up_to_date(
    clinic_a, alice, clinic_b, bob, safety, monkeypatch
):
    monkeypatch.setattr(flags, "BATCH", 2)  # several batches for one clinic
    a = bulk_patients_with_plans(clinic_a, alice, 5, prefix="A", done_every=3)
    b = bulk_patients_with_plans(clinic_b, bob, 2, prefix="B", done_every=1)
    job = JOBS["review.refresh_flags"]
    assert job.every <= timedelta(minutes=5)
    now = timezone.now()
    assert import_string(job.target)(now) == 7
    for patient in [*a, *b]:
        assert _stored(patient) == _computed(patient, now)
    assert refresh_stale_flags(now) == 0


def test_a_check_off_raises_the_care_version_once_as_its_lock(pat, routine, safety):
    screen(pat)
    start = patient_today(pat) - timedelta(days=10)
    plan = make_plan(pat, routine, start=start, today=start)
    session = plan.sessions.order_by("date").first()
    noon = datetime.combine(session.date, datetime.min.time(), tzinfo=pat.zone)
    before = _version(pat)
    assert check_off(session, today=session.date, now=noon)[1]
    # One UPDATE, the patient's lock, stands for the log written under it.
    assert _version(pat) == before + 1
    # A care row written outside such a change still raises it by itself.
    SideEffectReport.objects.create(
        patient=pat, day=patient_today(pat), details="A bruise", submission_key=uuid4()
    )
    assert _version(pat) == before + 2


def test_pausing_a_plan_raises_the_care_version_once_for_all_its_sessions(pat, routine, safety):
    screen(pat)
    plan = make_plan(pat, routine)
    assert plan.sessions.count() > 3
    before = _version(pat)
    pause_plan(plan)
    assert plan.sessions.count() == 0  # it began today: every session removed
    assert _version(pat) == before + 1
