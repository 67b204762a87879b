"""Walk every URL pattern as every persona, with GET and POST.

Each pattern must have a row in ACCESS below, so a new URL cannot ship
without someone deciding who may reach it. The expected answers are:

- ``LOGIN``: redirected to the sign-in page;
- an HTTP status code (200, 302, 403, 404, 405, 410);
- for the object URLs, Clinic B's practitioner asks for Clinic A's objects
  and must get 404, never 403 or the page; then the same URLs are walked
  with Clinic B's objects, and Clinic A's practitioner and patient get 404.

Carol is Clinic A's clinic admin. She answers as Clinic A's practitioner
(alice) does unless a row names her: a clinic admin does everything a
practitioner does, and reads the clinic's audit trail besides.
For Clinic B's objects she is answered as bob is for Clinic A's: 404.

The admin's patterns (Django's and the packages' as well as ours) are walked
too, with real ids: staff only, and never a server error for staff.
"""

import re
from dataclasses import dataclass, field
from uuid import uuid4

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from accounts.clock import patient_today
from accounts.email_change import make_token
from accounts.models import Invitation, Patient
from clinic.background.models import Heartbeat
from clinic.notifications import unsubscribe
from clinic.reminders import feed
from clinic.reminders.services import create_or_reset_feed
from clinic.usage.services import report_side_effect
from mats.models import GuidancePage
from mats.services import acknowledge_safety_version, publish_safety_version
from tests.factories import make_plan, screen
from tests.mats.factories import give_picture, make_routine, make_safety_content

LOGIN = "login"
# Carol last: her POSTs come after everyone else's, as alice's come before bob's.
PERSONAS = ("visitor", "pat", "alice", "bob", "staff", "carol")


def everyone(answer):
    return dict.fromkeys(PERSONAS, answer)


def signed_in(answer, *, visitor=LOGIN):
    return {**everyone(answer), "visitor": visitor}


@dataclass
class Row:
    get: dict
    post: dict
    kwargs: str | None = None  # which object from the world fills the URL
    notes: str = field(default="")

    def __post_init__(self):
        # Copies: the shared answer sets above must stay without carol, so
        # that a row spreading one with its own "alice" gives carol the same.
        self.get = {"carol": self.get["alice"], **self.get}
        self.post = {"carol": self.post["alice"], **self.post}


PATIENT_ONLY = {"visitor": LOGIN, "pat": 200, "alice": 403, "bob": 403, "staff": 403}
PRACTITIONER_ONLY = {"visitor": LOGIN, "pat": 403, "alice": 200, "bob": 200, "staff": 403}
CLINIC_A_OBJECT = {"visitor": LOGIN, "pat": 403, "alice": 200, "bob": 404, "staff": 403}
# The shared mat library: patients and clinic members read it; staff curate it in the admin.
READER = {"visitor": LOGIN, "pat": 200, "alice": 200, "bob": 200, "staff": 403}

ACCESS: dict[str, Row] = {
    "home": Row(get=signed_in(302), post=signed_in(405)),
    "patient-home": Row(get=PATIENT_ONLY, post=signed_in(405)),
    "patient-list": Row(get=PRACTITIONER_ONLY, post=signed_in(405)),
    "patient-add": Row(get=PRACTITIONER_ONLY, post=PRACTITIONER_ONLY),
    "patient-detail": Row(get=CLINIC_A_OBJECT, post=signed_in(405), kwargs="patient"),
    "patient-invite": Row(
        get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="patient"
    ),
    # Marking a patient's request to delete their account handled; with none
    # open, a message says so and the page comes back.
    "deletion-handled": Row(
        get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="patient"
    ),
    # The patient's own data: two downloads, and asking the clinic to delete the
    # account (an empty POST asks without a message) or taking that back.
    # Both ask pat to confirm it is them first (the sudo moment, accounts.sudo).
    "own-data-json": Row(get={**PATIENT_ONLY, "pat": 302}, post=signed_in(405)),
    "own-data-csv": Row(get={**PATIENT_ONLY, "pat": 302}, post=signed_in(405)),
    "deletion-request": Row(get=PATIENT_ONLY, post={**PATIENT_ONLY, "pat": 302}),
    "deletion-withdraw": Row(get=signed_in(405), post={**PATIENT_ONLY, "pat": 302}),
    "login": Row(get={**everyone(302), "visitor": 200}, post={**everyone(302), "visitor": 200}),
    "logout": Row(get=signed_in(405), post=everyone(LOGIN)),
    # Everyone signed in is asked to confirm it is them first (the sudo moment).
    "password_change": Row(get=signed_in(302), post=signed_in(302)),
    # The sudo moment's page: an empty POST chooses neither way, which is malformed.
    "confirm-identity": Row(get=signed_in(200), post=signed_in(400)),
    # The clinic admin's people (none of the personas is a clinic admin: tested in
    # tests/accounts/test_clinic_people.py, with another clinic's person as 404).
    # Clinic admins only.
    "clinic-people": Row(get={**signed_in(403), "carol": 200}, post=signed_in(405)),
    # Carol is asked to confirm it is her first (accounts.sudo).
    "clinic-person-factor-reset": Row(
        get={**signed_in(403), "carol": 302},
        post={**signed_in(403), "carol": 302},
        kwargs="person",
    ),
    # Changing one's own sign-in address: everyone signed in is asked to
    # confirm it is them first; the "we sent a link" page without a request
    # goes back to the form. The link is pat's: anyone else signed in is
    # refused (403); pat's GET shows a button and pat's POST changes the address.
    "email-change": Row(get=signed_in(302), post=signed_in(302)),
    "email-change-sent": Row(get=signed_in(302), post=signed_in(405)),
    "email-change-confirm": Row(
        get={**signed_in(403), "pat": 200},
        post={**signed_in(403), "pat": 302},
        kwargs="email_change",
    ),
    "password_change_done": Row(get=signed_in(200), post=signed_in(405)),
    "password_reset": Row(get=everyone(200), post=everyone(200)),
    "password_reset_done": Row(get=everyone(200), post=everyone(405)),
    "password_reset_confirm": Row(get=everyone(200), post=everyone(200), kwargs="reset"),
    "password_reset_complete": Row(get=everyone(200), post=everyone(405)),
    # A signed-in person never uses someone's invitation: they are asked to sign out.
    "invitation-accept": Row(
        get={**everyone(403), "visitor": 200},
        post={**everyone(403), "visitor": 200},
        kwargs="token",
    ),
    "invitation-renew": Row(
        get=everyone(405), post={**everyone(403), "visitor": 302}, kwargs="token"
    ),
    "invitation-renewed": Row(get=everyone(200), post=everyone(405)),
    # The second factor. Members and staff here have passed theirs (tests/conftest.py);
    # pat has none. Set-up: an empty POST shows the form with its error.
    "account-security": Row(get=signed_in(200), post=signed_in(405)),
    # Members and staff already have an authenticator: replacing it asks them
    # to confirm it is them first. Pat has none and sets one up.
    "factor-setup": Row(get={**signed_in(302), "pat": 200}, post={**signed_in(302), "pat": 200}),
    # Already passed (members, staff) or none to pass (pat): on to the start page.
    "factor-verify": Row(get=signed_in(302), post=signed_in(302)),
    # With no factor pat goes back to Account security; a POST makes new codes.
    "recovery-codes": Row(get={**signed_in(200), "pat": 302}, post=signed_in(302)),
    # Only a patient may turn codes off (pat has none: back to Account security).
    "factor-remove": Row(get={**signed_in(403), "pat": 302}, post={**signed_in(403), "pat": 302}),
    # Passkeys (accounts.passkeys). Adding one asks members and staff to confirm
    # it is them first; pat has no authenticator app, so is sent back to
    # Account security. Alice's passkey is hers alone: everyone else gets 404.
    "passkey-add": Row(get=signed_in(302), post=signed_in(405)),
    "passkey-rename": Row(
        get={**signed_in(404), "alice": 200, "carol": 404},
        post={**signed_in(404), "alice": 200, "carol": 404},
        kwargs="passkey",
    ),
    "passkey-remove": Row(
        get={**signed_in(404), "alice": 302, "carol": 404},
        post={**signed_in(404), "alice": 302, "carol": 404},
        kwargs="passkey",
    ),
    # The WebAuthn ceremony's JSON endpoints. Making a passkey needs the sudo
    # moment (members, staff) or an authenticator app (pat): 403 in JSON.
    "otp_webauthn:credential-registration-begin": Row(get=signed_in(403), post=signed_in(403)),
    "otp_webauthn:credential-registration-complete": Row(get=signed_in(403), post=signed_in(403)),
    # Open before the second factor, since they pass it: they answer a visitor
    # 403 themselves. A POST with no begun ceremony to complete is malformed.
    "otp_webauthn:credential-authentication-begin": Row(
        get={**everyone(405), "visitor": 403}, post={**everyone(200), "visitor": 403}
    ),
    "otp_webauthn:credential-authentication-complete": Row(
        get={**everyone(405), "visitor": 403}, post={**everyone(400), "visitor": 403}
    ),
    # The signed token is the authority: no sign-in, and no CSRF token (RFC 8058).
    # GET shows a button; POST switches pat's reminders off.
    "unsubscribe": Row(get=everyone(200), post=everyone(200), kwargs="unsubscribe"),
    # The address is the key: calendar apps fetch it without signing in.
    "calendar-feed": Row(get=everyone(200), post=everyone(405), kwargs="calendar"),
    # Makes pat's feed, or gives it a new address, and goes back to Settings.
    "calendar-feed-reset": Row(get=signed_in(405), post={**PATIENT_ONLY, "pat": 302}),
    # An empty POST is an invalid form, shown again with its errors.
    "patient-visit-add": Row(get=CLINIC_A_OBJECT, post=CLINIC_A_OBJECT, kwargs="patient"),
    "library": Row(get=READER, post=signed_in(405)),
    "guidance-page": Row(get=READER, post=signed_in(405), kwargs="guide"),
    "position-list": Row(get=READER, post=signed_in(405)),
    "routine-list": Row(get=READER, post=signed_in(405)),
    "routine-detail": Row(get=READER, post=signed_in(405), kwargs="routine"),
    "evidence": Row(get=READER, post=signed_in(405)),
    "safety": Row(get=READER, post=signed_in(405)),
    "safety-version": Row(get=READER, post=signed_in(405), kwargs="safety_version"),
    # A position's uploaded picture: library readers, and staff for the admin's preview.
    "position-picture": Row(get={**READER, "staff": 200}, post=signed_in(405), kwargs="picture"),
    # An empty POST lacks the version that was read, so it is refused as malformed.
    "safety-acknowledge": Row(get=PATIENT_ONLY, post={**PATIENT_ONLY, "pat": 400}),
    # Plans. An empty POST to a form page shows the form again with its errors;
    # the plan's actions redirect back to the plan with a message.
    "patient-plan": Row(get=PATIENT_ONLY, post=signed_in(405)),
    # An empty POST chooses the clinic's zone, which is valid.
    "patient-settings": Row(get=PATIENT_ONLY, post={**PATIENT_ONLY, "pat": 302}),
    # An empty POST chooses nothing, so the Settings page comes back with the form's errors.
    "patient-reminders": Row(get=signed_in(405), post=PATIENT_ONLY),
    # An empty POST is neither "yes" nor "not now": malformed.
    "patient-reminder-offer": Row(get=signed_in(405), post={**PATIENT_ONLY, "pat": 400}),
    # A practitioner's (or clinic admin's) own email; an empty POST shows the form's errors.
    "practitioner-notifications": Row(get=PRACTITIONER_ONLY, post=PRACTITIONER_ONLY),
    # The clinic's audit trail: its clinic admins only (staff read it in the admin).
    "clinic-audit": Row(
        get={"visitor": LOGIN, "pat": 403, "alice": 403, "bob": 403, "staff": 403, "carol": 200},
        post=signed_in(405),
    ),
    # Who has looked at the patient's record, from Settings.
    "record-access": Row(get=PATIENT_ONLY, post=signed_in(405)),
    # An empty POST answers nothing, so the questions come back with their errors.
    "safety-questions": Row(get=PATIENT_ONLY, post=PATIENT_ONLY),
    # The patient's day. Another patient's session or report is 404 (tested in
    # tests/clinic/test_checkoff_views.py); practitioners and staff get 403.
    "session-timer": Row(get=PATIENT_ONLY, post=signed_in(405)),
    "session-day": Row(get=PATIENT_ONLY, post=signed_in(405), kwargs="session"),
    "session-check-off": Row(
        get=signed_in(405), post={**PATIENT_ONLY, "pat": 302}, kwargs="session"
    ),
    # An empty POST lacks the form's key, so the form comes back with its errors.
    "session-details": Row(get=signed_in(405), post=PATIENT_ONLY, kwargs="session"),
    "session-undo": Row(get=signed_in(405), post={**PATIENT_ONLY, "pat": 302}, kwargs="session"),
    "side-effect-report": Row(get=PATIENT_ONLY, post=PATIENT_ONLY),
    "side-effect-detail": Row(get=PATIENT_ONLY, post=signed_in(405), kwargs="report"),
    # The review. An empty "seen" POST marks nothing and goes back to the page;
    # an empty feedback POST shows the page again with the form's error.
    "patient-review": Row(get=CLINIC_A_OBJECT, post=signed_in(405), kwargs="patient"),
    "review-mark-seen": Row(
        get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="patient"
    ),
    "review-feedback": Row(get=signed_in(405), post=CLINIC_A_OBJECT, kwargs="patient"),
    "patient-summary": Row(get=CLINIC_A_OBJECT, post=signed_in(405), kwargs="patient"),
    # Alice is asked to confirm it is her first (the sudo moment).
    "patient-export": Row(
        get={**CLINIC_A_OBJECT, "alice": 302}, post=signed_in(405), kwargs="patient"
    ),
    "patient-screening": Row(get=CLINIC_A_OBJECT, post=CLINIC_A_OBJECT, kwargs="patient"),
    # Pat's answers took nothing back, so an empty POST confirms nothing and goes back.
    "screening-confirm": Row(
        get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="screening"
    ),
    "plan-assign": Row(get=CLINIC_A_OBJECT, post=CLINIC_A_OBJECT, kwargs="patient"),
    "plan-detail": Row(get=CLINIC_A_OBJECT, post=signed_in(405), kwargs="plan"),
    "plan-pause": Row(get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="plan"),
    "plan-resume": Row(get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="plan"),
    "plan-end": Row(get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="plan"),
    "plan-clear": Row(get=signed_in(405), post={**CLINIC_A_OBJECT, "alice": 302}, kwargs="plan"),
    "plan-extend": Row(get=signed_in(405), post=CLINIC_A_OBJECT, kwargs="plan"),
    # For load balancers: open to all, read-only. The world has a live worker.
    "healthz": Row(get=everyone(200), post=everyone(405)),
    "readyz": Row(get=everyone(200), post=everyone(405)),
    # What installs the site as an app: the browser fetches these without
    # signing in, and none holds anything about anyone.
    "manifest": Row(get=everyone(200), post=everyone(405)),
    "service-worker": Row(get=everyone(200), post=everyone(405)),
    "favicon": Row(get=everyone(200), post=everyone(405)),
    "offline": Row(get=everyone(200), post=everyone(405)),
}


def walk(patterns, prefix="", namespace=""):
    """Yield (namespace-qualified name, route) for every pattern outside the admin."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def walk_admin(patterns, prefix="", inside=False):
    """Yield (name, route) for every pattern of the admin, named or not."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk_admin(
                entry.url_patterns,
                prefix + str(entry.pattern),
                inside or entry.namespace == "admin",
            )
        elif isinstance(entry, URLPattern) and inside:
            yield entry.name, prefix + str(entry.pattern)


@pytest.fixture
def world(pat, quinn, alice, bob, staff, carol, clinic_a):
    stranger = Patient.objects.create(
        clinic=clinic_a,
        primary_practitioner=alice,
        full_name="Not Yet Signed Up",
        email="new@patients.example",
    )
    _, token = Invitation.issue(stranger, created_by=alice.user)
    guide = GuidancePage.objects.create(
        title="Breathing", slug="breathing", summary="Slowly.", body="In, out.", is_published=True
    )
    routine = make_routine(slug="gentle", is_published=True)
    pictured = give_picture(routine.stages.first().positions.get())
    make_safety_content()
    version = publish_safety_version(change_note="First version.", published_by=staff)
    # Pat has read the guidance and answered the questions, so that pat's pages answer 200.
    acknowledge_safety_version(pat, version)
    screening = screen(pat)
    plan = make_plan(pat, routine)
    session = plan.sessions.get(date=patient_today(pat))
    reported = report_side_effect(pat, codes=["bruising"], details="", submission_key=uuid4())
    Heartbeat.objects.create(worker_id="walk", started_at=timezone.now(), seen_at=timezone.now())
    passkey = WebAuthnCredential.objects.create(
        user=alice.user, name="Walk key", credential_id=b"walk", public_key=b"", confirmed=True
    )
    return {
        "passkey": {"pk": passkey.pk},
        "session": {"pk": session.pk},
        "report": {"pk": reported.report.pk},
        "plan": {"pk": pat.pk, "plan_pk": plan.pk},
        "patient": {"pk": pat.pk},
        "person": {"pk": pat.user_id},
        "screening": {"pk": pat.pk, "screening_pk": screening.pk},
        "token": {"token": token},
        "unsubscribe": {"token": unsubscribe.token_for(pat)},
        "email_change": {"token": make_token(pat.user, "pat.elsewhere@patients.example")},
        "calendar": {"token": feed.token_for(create_or_reset_feed(pat)[0])},
        "reset": {"uidb64": "MQ", "token": "not-a-real-token"},
        "guide": {"slug": guide.slug},
        "routine": {"slug": routine.slug},
        "safety_version": {"number": version.number},
        "picture": {"name": pictured.picture.name.removeprefix("positions/")},
    }


# The objects that belong to one clinic. The walk asks for Clinic A's above;
# below, Clinic B's, and each persona must then get what the other clinic's
# persona got: alice 404 where bob had it, bob what alice had.
CLINIC_SCOPED = ("patient", "plan", "screening", "session", "report")


@pytest.fixture
def clinic_b_world(world, quinn, bob):
    """Quinn, Clinic B's patient, in the state pat is in the walk's world."""
    from mats.models import RoutineTemplate, SafetyVersion

    acknowledge_safety_version(
        quinn, SafetyVersion.objects.get(number=world["safety_version"]["number"])
    )
    screening = screen(quinn)
    plan = make_plan(quinn, RoutineTemplate.objects.get(slug=world["routine"]["slug"]))
    session = plan.sessions.get(date=patient_today(quinn))
    reported = report_side_effect(quinn, codes=["bruising"], details="", submission_key=uuid4())
    return {
        "session": {"pk": session.pk},
        "report": {"pk": reported.report.pk},
        "plan": {"pk": quinn.pk, "plan_pk": plan.pk},
        "patient": {"pk": quinn.pk},
        "screening": {"pk": quinn.pk, "screening_pk": screening.pk},
    }


def mirrored(answers: dict) -> dict:
    """What each persona should get for Clinic B's object, from what they get for Clinic A's."""
    pat = answers["pat"]
    return {
        **answers,
        "alice": answers["bob"],
        "bob": answers["alice"],
        "carol": answers["bob"],
        # Pat's own object answered; Quinn's is not there for pat.
        "pat": 404 if pat not in (LOGIN, 403, 405) else pat,
    }


def _outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def test_every_pattern_has_a_row():
    names = [name for name, _ in walk(get_resolver().url_patterns)]
    assert len(names) == len(set(names)), "URL names must be unique"
    assert sorted(names) == sorted(ACCESS)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_url_answers_each_persona_as_expected(
    name, world, visitor_client, pat_client, alice_client, bob_client, staff_client, carol_client
):
    clients = {
        "visitor": visitor_client,
        "pat": pat_client,
        "alice": alice_client,
        "bob": bob_client,
        "staff": staff_client,
        "carol": carol_client,
    }
    row = ACCESS[name]
    url = reverse(name, kwargs=world[row.kwargs] if row.kwargs else None)
    seen = {}
    expected = {}
    for persona in PERSONAS:
        # GET before POST, so that signing out (a POST) comes last.
        for method in ("get", "post"):
            response = getattr(clients[persona], method)(url)
            seen[(persona, method)] = _outcome(response)
            expected[(persona, method)] = getattr(row, method)[persona]
    assert seen == expected


@pytest.mark.parametrize(
    "name", sorted(name for name, row in ACCESS.items() if row.kwargs in CLINIC_SCOPED)
)
def test_clinic_b_objects_answer_each_persona_mirrored(
    name,
    clinic_b_world,
    visitor_client,
    pat_client,
    alice_client,
    bob_client,
    staff_client,
    carol_client,
):
    clients = {
        "visitor": visitor_client,
        "pat": pat_client,
        "alice": alice_client,
        "bob": bob_client,
        "staff": staff_client,
        "carol": carol_client,
    }
    row = ACCESS[name]
    url = reverse(name, kwargs=clinic_b_world[row.kwargs])
    seen = {}
    expected = {}
    for persona in PERSONAS:
        for method in ("get", "post"):
            response = getattr(clients[persona], method)(url)
            seen[(persona, method)] = _outcome(response)
            expected[(persona, method)] = mirrored(getattr(row, method))[persona]
    assert seen == expected


def test_both_clinics_are_walked_with_the_same_object_urls():
    scoped = [name for name, row in ACCESS.items() if row.kwargs in CLINIC_SCOPED]
    assert len(scoped) == 23


def test_walk_covers_all_eighty_nine_patterns():
    walked = list(walk(get_resolver().url_patterns))
    assert len(walked) == 89


def test_admin_is_for_staff_only(
    visitor_client, pat_client, alice_client, bob_client, staff_client, carol_client
):
    index = reverse("admin:index")
    assert staff_client.get(index).status_code == 200
    for client in (visitor_client, pat_client, alice_client, bob_client, carol_client):
        response = client.get(index)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


ADMIN_LOGIN = "admin login"


def _admin_kwargs(name: str, route: str, world: dict) -> dict:
    """Real values for an admin pattern's parts: the first row of its model."""
    from django.contrib import admin as django_admin
    from django.contrib.contenttypes.models import ContentType

    model = None
    for candidate in django_admin.site._registry:
        prefix = f"{candidate._meta.app_label}_{candidate._meta.model_name}_"
        if (
            name and name.startswith(prefix)
        ) or f"/{candidate._meta.app_label}/{candidate._meta.model_name}/" in "/" + route:
            model = candidate
    row = model._default_manager.order_by("pk").first() if model else None
    key = str(row.pk) if row else "1"
    kwargs = {}
    for part in ("object_id", "id", "pk"):
        if f"<path:{part}>" in route or f"<int:{part}>" in route or f"<{part}>" in route:
            kwargs[part] = key
    if "content_type_id" in route:
        kwargs["content_type_id"] = str(ContentType.objects.get_for_model(Patient).pk)
        kwargs["object_id"] = str(world["patient"]["pk"])
    if "app_label" in route:
        kwargs["app_label"] = "accounts"
    if "(?P<url>" in route:
        kwargs["url"] = "no-such-page/"
    return kwargs


def _admin_url(route: str, kwargs: dict) -> str:
    url = "/" + route.replace("^", "").replace("$", "")
    for key, value in kwargs.items():
        url = re.sub(rf"<(?:\w+:)?{key}>|\(\?P<{key}>[^)]*\)+", value, url)
    return url.replace("//", "/")


def _admin_outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    return _outcome(response)


def test_every_admin_pattern_is_for_staff_only(
    world, staff, visitor_client, pat_client, alice_client, bob_client, staff_client
):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Real rows for the second-factor admins' object pages.
    TOTPDevice.objects.create(user=staff, name="walk", confirmed=True)
    StaticDevice.objects.create(user=staff, name="walk", confirmed=True)
    clients = {
        "visitor": visitor_client,
        "pat": pat_client,
        "alice": alice_client,
        "bob": bob_client,
    }
    seen = {}
    expected = {}
    walked = list(walk_admin(get_resolver().url_patterns))
    for name, route in walked:
        url = _admin_url(route, _admin_kwargs(name, route, world))
        for persona, client in clients.items():
            seen[(name or route, persona)] = _admin_outcome(client.get(url))
            expected[(name or route, persona)] = ADMIN_FOR_OTHERS.get(name, SIGN_IN)
        staff_answer = _admin_outcome(staff_client.get(url))
        # Staff get the page, a redirect within the admin, or a refusal
        # (records the site writes itself cannot be added): never a sign-in.
        assert staff_answer not in SIGN_IN and staff_answer < 500, (name or route, staff_answer)
    assert {key: value for key, value in seen.items() if value not in expected[key]} == {}
    assert len(walked) == 195


# Who is not staff is sent to a sign-in page for every admin address, except
# the admin's own sign-in page (shown) and sign-out (a GET is sent away).
SIGN_IN = (LOGIN, ADMIN_LOGIN)
ADMIN_FOR_OTHERS = {"login": (200,), "logout": (302, ADMIN_LOGIN)}
