"""Every page that shows one patient's data to a practitioner leaves one
audit row: a VIEW of the patient (or of the plan shown), the patient list a
LIST with its count. The URLconf is walked, so a new page under
``patients/<pk>/`` fails here until it is put in one of the tables below,
saying what it records; a form shown again after failing its checks is a
read like its GET."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import AuditEvent
from tests.factories import audit_mark, audit_since, make_plan
from tests.sudo import confirmed

# GET pages showing one patient's data: what their one row names.
READS = {
    "patient-detail": ("view", "accounts.patient"),
    "patient-screening": ("view", "accounts.patient"),
    "patient-visit-add": ("view", "accounts.patient"),
    "plan-assign": ("view", "accounts.patient"),
    "plan-detail": ("view", "plans.plan"),
    "patient-review": ("view", "accounts.patient"),
    "patient-summary": ("view", "accounts.patient"),
    "patient-export": ("export", "accounts.patient"),
}
# Posts that change something and redirect: their services write the row
# (tests/*/ for each), and their failures are covered by FAILED_POSTS below
# where the page is shown again.
WRITES = {
    "patient-invite",
    "screening-confirm",
    "plan-pause",
    "plan-resume",
    "plan-end",
    "plan-extend",
    "plan-clear",
    "review-mark-seen",
    "review-feedback",
    "deletion-handled",
}


def _patient_routes(resolver=None, prefix: str = "") -> dict[str, str]:
    """Every named route with a patient's id in it: ``patients/<int:pk>/...``."""
    found = {}
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace is None:
                found |= _patient_routes(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("patients/<int:pk>/"):
            found[entry.name] = route
    return found


def test_every_page_about_one_patient_is_in_a_table():
    routes = _patient_routes()
    assert set(routes) == set(READS) | WRITES, (
        "A page under patients/<pk>/ is new: record its read (accounts.audit.record) "
        "and add it to READS, or to WRITES if it only changes something."
    )


@pytest.fixture
def plan(screened_pat, routine):
    return make_plan(screened_pat, routine)


def _url(name: str, patient, plan) -> str:
    args = [patient.pk, plan.pk] if "<int:plan_pk>" in _patient_routes()[name] else [patient.pk]
    return reverse(name, args=args)


def _only_row(mark: int) -> AuditEvent:
    rows = list(audit_since(mark))
    assert len(rows) == 1, [(row.action, row.object_type) for row in rows]
    return rows[0]


@pytest.mark.parametrize("name", sorted(READS))
def test_each_patient_page_records_one_read(name, alice_client, alice, screened_pat, plan):
    confirmed(alice_client)  # the export first asks the practitioner to confirm it is them
    mark = audit_mark()
    response = alice_client.get(_url(name, screened_pat, plan))
    assert response.status_code == 200
    row = _only_row(mark)
    action, object_type = READS[name]
    object_id = plan.pk if object_type == "plans.plan" else screened_pat.pk
    assert (row.action, row.object_type, row.object_id) == (action, object_type, object_id)
    assert (row.actor, row.clinic_id) == (alice.user, screened_pat.clinic_id)
    assert row.path == response.wsgi_request.path


def test_the_patient_list_records_a_count(alice_client, alice, screened_pat):
    mark = audit_mark()
    alice_client.get(reverse("patient-list"))
    row = _only_row(mark)
    assert (row.action, row.object_type, row.count) == ("list", "accounts.clinic", 1)


# Posts whose data fails its checks, so the page is shown again with the
# patient's data: (url name, data, the row's object type).
FAILED_POSTS = [
    ("plan-assign", {"action": "save", "start_date": "not a date"}, "accounts.patient"),
    ("plan-assign", {"action": "preview", "start_date": "not a date"}, "accounts.patient"),
    ("plan-extend", {"new_end": "not a date"}, "plans.plan"),
    ("review-feedback", {"message": ""}, "accounts.patient"),
    ("patient-visit-add", {"date": "not a date"}, "accounts.patient"),
    ("patient-screening", {"version": "1"}, "accounts.patient"),
]


@pytest.mark.parametrize(
    ("name", "data", "object_type"),
    FAILED_POSTS,
    ids=[f"{name}-{index}" for index, (name, _, _) in enumerate(FAILED_POSTS)],
)
def test_a_page_shown_again_after_a_failed_post_records_the_read(
    name, data, object_type, alice_client, screened_pat, plan
):
    mark = audit_mark()
    response = alice_client.post(_url(name, screened_pat, plan), data)
    assert response.status_code == 200
    row = _only_row(mark)
    object_id = plan.pk if object_type == "plans.plan" else screened_pat.pk
    assert (row.action, row.object_type, row.object_id) == ("view", object_type, object_id)
    assert row.clinic_id == screened_pat.clinic_id


@pytest.mark.parametrize("name", sorted(READS))
def test_another_clinics_practitioner_gets_404_and_a_refuse_row(
    name, bob_client, bob, screened_pat, plan
):
    mark = audit_mark()
    assert bob_client.get(_url(name, screened_pat, plan)).status_code == 404
    row = _only_row(mark)
    assert (row.action, row.object_type, row.object_id) == (
        "refuse",
        "accounts.patient",
        screened_pat.pk,
    )
    assert (row.actor, row.clinic_id) == (bob.user, bob.clinic_id)
