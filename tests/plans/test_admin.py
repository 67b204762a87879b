"""clinic/plans/admin.py: staff look plans and screenings up; nobody edits
them there."""

from django.urls import reverse

from clinic.plans.models import Plan, PlanStatus
from tests.factories import make_plan


def test_staff_see_plans_by_id_and_date_without_free_text(staff_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    plan.note_for_patient = "Breathe out slowly."
    plan.save()
    response = staff_client.get(reverse("admin:plans_plan_changelist"))
    assert response.status_code == 200
    html = response.text
    assert f'href="{reverse("admin:plans_plan_change", args=[plan.pk])}"' in html
    assert "Active" in html
    assert "Breathe out slowly." not in html
    detail = staff_client.get(reverse("admin:plans_plan_change", args=[plan.pk])).text
    assert "View plan" in detail
    assert "Breathe out slowly." not in detail
    assert 'name="_save"' not in detail


def test_staff_see_screenings(staff_client, screened_pat):
    screening = screened_pat.screenings.get()
    response = staff_client.get(reverse("admin:plans_screening_changelist"))
    assert response.status_code == 200
    assert f'href="{reverse("admin:plans_screening_change", args=[screening.pk])}"' in response.text
    assert '<td class="field-source">Recorded in clinic</td>' in response.text


def test_staff_cannot_add_change_or_delete(staff_client, screened_pat, routine):
    plan = make_plan(screened_pat, routine)
    screening = screened_pat.screenings.get()
    assert staff_client.get(reverse("admin:plans_plan_add")).status_code == 403
    assert staff_client.get(reverse("admin:plans_screening_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:plans_plan_change", args=[plan.pk]), {"status": PlanStatus.ENDED}
    )
    assert response.status_code == 403
    response = staff_client.post(
        reverse("admin:plans_plan_delete", args=[plan.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = staff_client.post(
        reverse("admin:plans_screening_delete", args=[screening.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Plan.objects.get().status == PlanStatus.ACTIVE
    assert screened_pat.screenings.count() == 1


def test_practitioners_cannot_open_the_plans_admin(alice_client):
    response = alice_client.get(reverse("admin:plans_plan_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
