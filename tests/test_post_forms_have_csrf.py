"""Every POST form carries its own CSRF token, so it works with JavaScript
off and before htmx has loaded; htmx's header on ``<body>`` is never the
only token a form has.

Two guards: one reads every template's source, the other renders the pages
that show a POST form and checks the HTML a browser receives."""

import re
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.clock import patient_today
from accounts.models import Invitation, Patient
from clinic.patients.services import request_deletion
from clinic.usage.services import check_off, report_side_effect
from mats.models import SafetySection
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import make_plan, screen
from tests.html_forms import post_forms_in
from tests.mats.factories import make_routine, make_safety_content

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE | re.DOTALL)
POSTS = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.IGNORECASE)


def test_every_post_form_in_the_templates_has_a_csrf_token():
    checked, missing = 0, []
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text()
        for tag in FORM_TAG.finditer(source):
            if not POSTS.search(tag.group(0)):
                continue
            checked += 1
            body = source[tag.end() : source.find("</form>", tag.end())]
            if "{% csrf_token %}" not in body:
                line = source.count("\n", 0, tag.start()) + 1
                missing.append(f"{path.relative_to(TEMPLATES)}:{line}")
    assert missing == []
    # The scan found the forms it is meant to check (sign-out alone is in every page;
    # the pages with one form and one button share includes/post_form.html).
    assert checked >= 20


# --- The pages as rendered ------------------------------------------------------------


@pytest.fixture
def world(pat, alice, staff, clinic_a):
    make_safety_content()
    version = publish_safety_version(change_note="First.", published_by=staff)
    acknowledge_safety_version(pat, version)
    screen(pat)
    today = patient_today(pat)
    # Three a week from two days ago: a missed session that can still be ticked
    # off, and today's session.
    start = today - timedelta(days=2)
    plan = make_plan(pat, make_routine(), start=start, today=start)
    report_side_effect(pat, codes=["bruising"], details="", submission_key=uuid4())
    newcomer = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Nell New", email="nell@x.example"
    )
    _, fresh = Invitation.issue(newcomer, created_by=alice.user)
    stale = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Sid Slow", email="sid@x.example"
    )
    invitation, expired = Invitation.issue(stale, created_by=alice.user)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=30),
        expires_at=invitation.expires_at - timedelta(days=30),
    )
    return {
        "plan": plan,
        "today": plan.sessions.get(date=today),
        "missed": plan.sessions.get(date=today - timedelta(days=2)),
        "newcomer": newcomer,
        "fresh": fresh,
        "expired": expired,
    }


def _patient_pages(world):
    return {
        reverse("patient-home"): 2,  # tick off, sign out
        reverse("session-day", args=[world["missed"].pk]): 2,
        reverse("patient-plan"): 2,  # the missed day's tick-off, sign out
        reverse("session-timer"): 2,
        reverse("patient-settings"): 2,
        reverse("side-effect-report"): 2,
        reverse("safety-questions"): 2,
        reverse("password_change"): 2,
        reverse("deletion-request"): 2,  # send the request, sign out
    }


def _practitioner_pages(world, pat):
    plan = world["plan"]
    return {
        reverse("patient-add"): 2,
        reverse("patient-detail", args=[world["newcomer"].pk]): 2,  # new invitation, sign out
        reverse("patient-visit-add", args=[pat.pk]): 2,
        reverse("patient-screening", args=[pat.pk]): 2,
        reverse("plan-assign", args=[pat.pk]) + "?routine=gentle": 2,
        reverse("plan-detail", args=[pat.pk, plan.pk]): 4,  # pause, extend, end, sign out
        reverse("patient-review", args=[pat.pk]): 3,  # mark seen, feedback, sign out
    }


def _visitor_pages(world):
    return {
        reverse("login"): 1,
        reverse("password_reset"): 1,
        reverse("invitation-accept", args=[world["fresh"]]): 1,
    }


def assert_every_post_form_has_its_token(client, pages: dict[str, int], status=200) -> None:
    for url, at_least in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == status, url
        forms = post_forms_in(response.text)
        assert len(forms) >= at_least, url
        for form in forms:
            tokens = form.fields.get("csrfmiddlewaretoken", [])
            assert len(tokens) == 1 and tokens[0], f"{url}: the form to {form.action}"


def test_the_patients_pages_put_a_token_in_every_post_form(pat_client, world):
    assert_every_post_form_has_its_token(pat_client, _patient_pages(world))


def test_the_ticked_off_card_puts_a_token_in_its_forms(pat_client, world):
    check_off(world["today"])
    check_off(world["missed"])
    assert_every_post_form_has_its_token(
        pat_client,
        {
            reverse("patient-home"): 3,  # how it went, undo, sign out
            reverse("session-day", args=[world["missed"].pk]): 2,  # how it went, sign out
        },
    )


def _edit_the_safety_guidance() -> None:
    SafetySection.objects.filter(code="intro").update(body="The mat goes **with** your care.")


def test_an_open_deletion_request_puts_a_token_in_its_forms(pat_client, alice_client, world, pat):
    request_deletion(pat)
    # Withdraw it (Settings); mark it handled (the patient's page).
    assert_every_post_form_has_its_token(pat_client, {reverse("patient-settings"): 4})
    assert_every_post_form_has_its_token(
        alice_client, {reverse("patient-detail", args=[pat.pk]): 2}
    )


def test_the_safety_guidance_puts_a_token_in_its_form(pat_client, world, staff):
    _edit_the_safety_guidance()
    publish_safety_version(change_note="Second.", published_by=staff)
    assert_every_post_form_has_its_token(pat_client, {reverse("safety-acknowledge"): 2})


def test_the_practitioners_pages_put_a_token_in_every_post_form(alice_client, world, pat):
    assert_every_post_form_has_its_token(alice_client, _practitioner_pages(world, pat))


def test_the_pages_before_sign_in_put_a_token_in_every_post_form(visitor_client, world, pat):
    assert_every_post_form_has_its_token(visitor_client, _visitor_pages(world))
    reset = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(pat.user.pk)),
            default_token_generator.make_token(pat.user),
        ],
    )
    assert_every_post_form_has_its_token(visitor_client, {reset: 1})
    # A link that ran out answers 410 with a form to email a new one.
    expired = reverse("invitation-accept", args=[world["expired"]])
    assert_every_post_form_has_its_token(visitor_client, {expired: 1}, status=410)


def test_the_publish_page_in_the_admin_puts_a_token_in_its_form(staff_client, world):
    _edit_the_safety_guidance()
    assert_every_post_form_has_its_token(
        staff_client, {reverse("admin:mats_safetyversion_publish"): 2}
    )
