"""The practitioner sees which patients need a look: an answer that rules
the mat out, or side effects not yet seen. Flagged patients come first."""

from uuid import uuid4

from django.urls import reverse

from accounts.audit import Actor
from accounts.models import Patient
from clinic.plans.screening import confirm_withdrawal
from clinic.review.services import mark_reports_seen
from clinic.usage.services import report_side_effect
from tests.factories import make_plan, screen


def _report(patient, codes=("bruising",), details=""):
    return report_side_effect(
        patient, codes=list(codes), details=details, submission_key=uuid4()
    ).report


def test_unseen_side_effects_flag_the_patient_first_in_the_list(
    alice_client, screened_pat, routine, clinic_a, alice
):
    Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Abe Early", email="a@x.example"
    )
    make_plan(screened_pat, routine)
    _report(screened_pat, details="Purple marks.")
    html = alice_client.get(reverse("patient-list")).text
    assert "Needs attention: side effects" in html
    assert html.index("Pat Patient") < html.index("Abe Early")
    detail = alice_client.get(reverse("patient-detail", args=[screened_pat.pk])).text
    assert "Side effects reported since you last looked" in detail
    assert "Bruising" in detail
    assert "Purple marks." in detail


def test_seen_reports_no_longer_flag(alice_client, alice, screened_pat, routine):
    make_plan(screened_pat, routine)
    _report(screened_pat)
    mark_reports_seen(screened_pat, actor=Actor(alice.user))
    html = alice_client.get(reverse("patient-list")).text
    assert ">Pat Patient</a>" in html
    assert "Needs attention" not in html


def test_an_old_absolute_yes_answered_no_since_no_longer_flags(alice_client, pat, safety):
    screen(pat, yes=["open-wounds"])
    assert "Needs attention: safety answer" in alice_client.get(reverse("patient-list")).text
    screen(pat)
    assert "Needs attention" not in alice_client.get(reverse("patient-list")).text


def test_another_clinics_flags_stay_there(alice_client, bob_client, quinn, safety):
    screen(quinn, yes=["open-wounds"])
    assert "Needs attention" not in alice_client.get(reverse("patient-list")).text
    assert "Needs attention: safety answer" in bob_client.get(reverse("patient-list")).text


def test_a_relative_yes_without_a_clearance_shows_on_the_patients_page(
    alice_client, pat, safety, routine
):
    make_plan(pat, routine)
    screen(pat, yes=["pregnancy"])
    detail = alice_client.get(reverse("patient-detail", args=[pat.pk])).text
    assert "needs your clearance before the plan can go on" in detail
    assert "Are you pregnant, or could you be?" in detail


def test_a_relative_yes_with_no_plan_waiting_does_not_flag(alice_client, pat, safety):
    screen(pat, yes=["pregnancy"])
    html = alice_client.get(reverse("patient-list")).text
    assert ">Pat Patient</a>" in html
    assert "Needs attention" not in html


def test_an_absolute_yes_the_patient_took_back_flags_until_confirmed(
    alice_client, alice, pat, safety, clinic_a
):
    Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Abe Early", email="a@x.example"
    )
    screen(pat, yes=["open-wounds"], source="patient")
    taken_back = screen(pat, source="patient")
    html = alice_client.get(reverse("patient-list")).text
    assert "Needs attention: changed safety answer waits for your confirmation" in html
    assert html.index("Pat Patient") < html.index("Abe Early")
    flagged_only = alice_client.get(reverse("patient-list"), {"show": "attention"}).text
    assert "Pat Patient" in flagged_only
    confirm_withdrawal(taken_back, confirmed_by=alice.user)
    assert "Needs attention" not in alice_client.get(reverse("patient-list")).text


def test_a_flag_for_a_change_waiting_costs_the_list_no_query(
    alice_client, alice, pat, safety, clinic_a, django_assert_max_num_queries
):
    for i in range(10):
        patient = Patient.objects.create(
            clinic=clinic_a, primary_practitioner=alice, full_name=f"P{i}", email=f"{i}@x.example"
        )
        screen(patient, yes=["open-wounds"], source="patient")
        screen(patient, source="patient")
    with django_assert_max_num_queries(9):
        html = alice_client.get(reverse("patient-list")).text
    assert html.count("changed safety answer waits for your confirmation") == 10
