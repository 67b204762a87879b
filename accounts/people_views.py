"""The clinic admin's "People in your clinic": who has an account at the
clinic, whether each has a second factor, and resetting it for a
practitioner or patient who has lost their device.

Every view starts with ``clinic_admin_membership`` (403 for anyone but a
clinic admin); a person outside the admin's clinic is 404. Resetting asks
for the sudo moment after those checks, and again on the POST if the
confirmation ran out in between.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit, sudo
from accounts.audit import Actor
from accounts.factor_reset import (
    clinic_people,
    reset_second_factor,
    resettable_by_clinic_admin,
    with_second_factor,
)
from accounts.models import AuditEvent, Membership, User

PEOPLE_PER_PAGE = 50


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)


def clinic_admin_membership(request: HttpRequest) -> Membership:
    membership = getattr(request.user, "membership", None)
    if membership is None or membership.role != Membership.Role.CLINIC_ADMIN:
        raise PermissionDenied("This page is for clinic admins.")
    return membership


def _clinic_person(membership: Membership, pk: int) -> User:
    try:
        return clinic_people(membership.clinic_id).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such person in this clinic.") from None


def _role_words(person: User) -> str:
    membership = getattr(person, "membership", None)
    if membership is not None:
        return membership.get_role_display()
    return "Patient"


@require_GET
def people_list(request):
    membership = clinic_admin_membership(request)
    form = PageForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("That page number could not be understood.")
    people = with_second_factor(clinic_people(membership.clinic_id)).order_by(
        "full_name", "email", "pk"
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(form.cleaned_data["page"] or 1)
    rows = [
        {
            "person": person,
            "role": _role_words(person),
            "can_reset": resettable_by_clinic_admin(membership, person),
            "is_me": person.pk == membership.user_id,
        }
        for person in page.object_list
    ]
    audit.record(
        request,
        AuditEvent.Action.LIST,
        membership.clinic,
        clinic_id=membership.clinic_id,
        count=len(rows),
    )
    context = {"page": page, "rows": rows, "clinic": membership.clinic}
    return render(request, "accounts/people_list.html", context)


@require_http_methods(["GET", "POST"])
def person_factor_reset(request, pk: int):
    """GET asks "are you sure?"; POST resets and goes back to the list."""
    membership = clinic_admin_membership(request)
    person = _clinic_person(membership, pk)
    if not resettable_by_clinic_admin(membership, person):
        if person.pk == membership.user_id:
            messages.error(
                request,
                "You cannot reset your own second factor here. "
                "Ask the site's staff, who can check it is really you.",
            )
        else:
            messages.error(
                request,
                "Only the site's staff can reset the second factor of a clinic admin "
                "or of a member of the staff.",
            )
        return redirect("clinic-people")
    answer = sudo.confirmation_needed(request)
    if answer is not None:
        return answer
    if request.method == "POST":
        removed = reset_second_factor(
            person,
            actor=Actor.of(request),
            by=f"a clinic admin at {membership.clinic.name}",
        )
        if removed:
            messages.success(
                request,
                f"Done. {person} has no second factor now and has been sent an email "
                "saying so. They will set up a new one when they next sign in.",
            )
        else:
            messages.info(request, f"{person} has no second factor, so there was nothing to reset.")
        return redirect("clinic-people")
    return render(
        request,
        "accounts/person_factor_reset.html",
        {"person": person, "role": _role_words(person), "clinic": membership.clinic},
    )
