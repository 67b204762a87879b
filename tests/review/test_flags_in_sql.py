"""The list's flags in SQL (``annotate_flagged``, which orders, filters and
counts the list) give the same yes or no as the flags worked out in Python
(``attach_reviews``, which the rows show), on each patient's own today; and
the list pages in the database: a flagged patient on page 3 is found, the
counts are right."""

import random
from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from accounts.clock import patient_today
from accounts.models import Patient
from clinic.plans.models import Plan, PlannedSession, PlanStatus
from clinic.review.queries import annotate_flagged, annotate_for_review, attach_reviews, own_zones
from clinic.usage.models import SessionLog
from tests.factories import bulk_patients_with_plans

ZONES = ["", "", "", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo"]


def _random_patients(clinic, practitioner, count: int, seed: int) -> None:
    """Daily plans begun 0 to 20 days ago, sessions logged at random with
    random pain scores and minutes, some patients in zones of their own."""
    rng = random.Random(seed)
    for i in range(count):
        patient = Patient.objects.create(
            clinic=clinic,
            primary_practitioner=practitioner,
            full_name=f"Random{i:03d}",
            email=f"random{i:03d}@x.example",
            time_zone=rng.choice(ZONES),
        )
        today = patient_today(patient)
        start = today - timedelta(days=rng.randrange(0, 21))
        status = rng.choice([PlanStatus.ACTIVE, PlanStatus.ACTIVE, PlanStatus.PAUSED])
        plan = Plan.objects.create(
            patient=patient,
            status=status,
            paused_on=today if status == PlanStatus.PAUSED else None,
            template_name="Random",
            template_slug="random",
            start_date=start,
            end_date=start + timedelta(days=27),
            submission_key=uuid4(),
        )
        done_share = rng.choice([0.2, 0.5, 0.8, 1.0])
        for offset in range(28):
            day = start + timedelta(days=offset)
            if rng.random() < 0.15:
                continue  # a day off
            minutes = rng.choice([2, 10, 20])
            session = PlannedSession.objects.create(
                plan=plan,
                patient=patient,
                date=day,
                week=offset // 7 + 1,
                stage_order=0,
                minutes=minutes,
                surface="bed",
                clothing="thin",
            )
            if day <= today + timedelta(days=1) and rng.random() < done_share:
                scored = rng.random() < 0.7
                SessionLog.objects.create(
                    planned_session=session,
                    minutes_done=rng.choice([None, minutes, minutes + 5, minutes * 2 + 1]),
                    pain_before=rng.randrange(0, 11) if scored else None,
                    pain_after=rng.randrange(0, 11) if scored and rng.random() < 0.9 else None,
                )


def _both(clinic, now) -> list[tuple[str, bool, tuple]]:
    patients = Patient.objects.filter(clinic=clinic)
    in_sql = dict(
        annotate_flagged(patients, clinic, own_zones(clinic), now).values_list("pk", "flagged_now")
    )
    found = list(annotate_for_review(patients, now).select_related("clinic"))
    attach_reviews(found, now)
    return [(patient.full_name, in_sql[patient.pk], patient.flags) for patient in found]


def test_sql_flags_agree_with_the_python_flags(clinic_a, alice, safety):
    _random_patients(clinic_a, alice, 60, seed=16)
    now = timezone.now()
    rows = _both(clinic_a, now)
    disagree = [(name, sql, flags) for name, sql, flags in rows if sql != bool(flags)]
    assert disagree == []
    # The sample has both kinds, and each log flag at least once.
    assert {sql for _, sql, _ in rows} == {True, False}
    codes = {flag.code for _, _, flags in rows for flag in flags}
    assert {"pain", "longer", "missed", "low_week"} <= codes


def test_sql_flags_agree_at_other_hours(clinic_a, alice, safety):
    """Around midnight in the patients' zones the days differ most."""
    _random_patients(clinic_a, alice, 25, seed=7)
    for hours in (3, 9, 13, 22):
        now = timezone.now() + timedelta(hours=hours)
        rows = _both(clinic_a, now)
        assert [row for row in rows if row[1] != bool(row[2])] == []


def test_a_patients_own_zone_moves_their_today(clinic_a, alice, safety):
    """Missed in a row counts back from the patient's today, not the clinic's."""
    (patient,) = bulk_patients_with_plans(clinic_a, alice, 1, done_every=1)
    now = timezone.now()
    clinic_day = timezone.localdate(now, timezone=ZoneInfo(clinic_a.time_zone))
    # Logged every day before the clinic's today; nothing since.
    assert not _both(clinic_a, now)[0][1]
    zone = next(
        name
        for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago")
        if timezone.localdate(now, timezone=ZoneInfo(name)) != clinic_day
    )
    patient.time_zone = zone
    patient.save()
    ((_, sql, flags),) = _both(clinic_a, now)
    assert sql == bool(flags)


def _page(client, **params) -> str:
    response = client.get(reverse("patient-list"), params)
    assert response.status_code == 200
    return response.text


def test_a_flagged_patient_on_page_3_is_found_and_counted(alice_client, clinic_a, alice, safety):
    # 60 flagged (a low week: every third session done), 10 not (all done).
    bulk_patients_with_plans(clinic_a, alice, 60, prefix="Low", done_every=3)
    bulk_patients_with_plans(clinic_a, alice, 10, prefix="Good", done_every=1)
    everyone = _page(alice_client)
    assert "60 patients need attention and are listed first." in everyone
    assert "Page 1 of 3" in everyone
    assert "Good" not in everyone  # flagged first, even though "Good" < "Low"
    flagged_page_3 = _page(alice_client, show="attention", page=3)
    assert "Page 3 of 3" in flagged_page_3
    assert "Low059 Person" in flagged_page_3
    assert "Low050 Person" in flagged_page_3
    assert "Low049 Person" not in flagged_page_3
    assert "Good" not in flagged_page_3
    last = _page(alice_client, page=3)
    assert "Low059 Person" in last
    assert "Good009 Person" in last
    assert last.index("Low059 Person") < last.index("Good000 Person")
    # A search narrows the count and the pages.
    found = _page(alice_client, q="Low05", show="attention")
    assert found.count('href="/patients/') >= 10
    assert "Page" not in found or "Page 1 of 1" in found
    assert "Low049" not in found
    searched = _page(alice_client, q="Low05")
    assert "10 patients need attention and are listed first." in searched


def test_a_page_past_the_end_shows_the_last(alice_client, clinic_a, alice, safety):
    bulk_patients_with_plans(clinic_a, alice, 30, prefix="Low", done_every=3)
    html = _page(alice_client, page=9)
    assert "Page 2 of 2" in html
    assert "Low029 Person" in html
