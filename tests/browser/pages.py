"""Every page a patient, a practitioner and a clinic admin can reach, each in
the state that makes it longest or widest, for the browser sweeps (widths,
accessibility).

``PAGES`` names each page; ``build(name, people)`` makes the data the page
needs (the personas from tests/conftest.py, the builders from
tests/factories.py and the clinic's real seeded content, whose long words
and addresses are what a page meets in use) and returns who signs in and
the address to visit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import uuid4

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.clock import patient_today
from accounts.email_change import make_token
from accounts.models import Membership, Patient, User
from clinic.usage.services import LogDetails, check_off, report_side_effect, save_details
from mats.models import RoutineTemplate
from mats.seed import load_seed_content
from mats.services import acknowledge_safety_version, current_safety_version
from tests.conftest import make_user
from tests.factories import make_plan, screen

# A note with a long unbroken word and an address, as patients and
# practitioners do write: pages must wrap it, not widen.
LONG_NOTE = (
    "Warm after the first minute; slept well. Notes at "
    "https://example.org/a-very-long-address/with/many/parts/that-never-breaks?and=a-query "
    "and Supercalifragilisticexpialidocious-ly relaxed."
)


@dataclass(frozen=True)
class People:
    pat: Patient
    alice: Membership


@dataclass(frozen=True)
class Visit:
    user: User
    path: str
    # Past the sudo moment (accounts.sudo), for pages that ask for it first.
    confirmed: bool = False


def _ready(people: People) -> None:
    """Pat has read the current guidance and answered the questions."""
    load_seed_content()
    acknowledge_safety_version(people.pat, current_safety_version())
    screen(people.pat)


def _routine() -> RoutineTemplate:
    return RoutineTemplate.objects.get(slug="standard-three-stage")


def _tick(session, note: str = LONG_NOTE, **scores):
    noon = datetime.combine(session.date, time(12), tzinfo=session.patient.zone)
    log, _ = check_off(session, today=session.date, now=noon)
    save_details(
        log,
        LogDetails(
            pain_before=scores.get("before", 6),
            pain_after=scores.get("after", 4),
            relaxation=scores.get("relaxation", 6),
            note=note,
        ),
    )
    return log


def _report(pat: Patient, codes=("bruising",), day=None):
    return report_side_effect(
        pat, codes=list(codes), details=LONG_NOTE, submission_key=uuid4(), today=day
    ).report


def _plan_today(people: People):
    _ready(people)
    return make_plan(people.pat, _routine())


def _long_history(people: People):
    """Seven weeks into an eight-week plan: most sessions done with notes and
    scores, some missed, a side effect; the week calendar is wide."""
    _ready(people)
    start = patient_today(people.pat) - timedelta(days=48)
    plan = make_plan(people.pat, _routine(), start=start, days=56, today=start)
    sessions = list(plan.sessions.filter(date__lt=patient_today(people.pat)).order_by("date"))
    for number, session in enumerate(sessions):
        if number % 5 != 4:
            _tick(session, before=6 - number % 3, after=3, relaxation=5 + number % 4)
    _report(people.pat, day=sessions[-3].date)
    return plan


def _patient(
    path: str, setup: Callable[[People], object] = _ready, *, confirmed: bool = False
) -> Callable:
    def build(people: People) -> Visit:
        setup(people)
        return Visit(people.pat.user, path, confirmed)

    return build


def _today_done(people: People) -> Visit:
    plan = _plan_today(people)
    _tick(plan.sessions.get(date=patient_today(people.pat)))
    return Visit(people.pat.user, "/home/")


def _today_paused(people: People) -> Visit:
    _plan_today(people)
    _report(people.pat, codes=("dizziness",))
    return Visit(people.pat.user, "/home/")


def _side_effect_detail(people: People) -> Visit:
    _plan_today(people)
    report = _report(people.pat, codes=("bruising", "dizziness"))
    return Visit(people.pat.user, f"/home/side-effects/{report.pk}/")


def _practitioner(
    path: str, setup: Callable[[People], object] = _long_history, *, confirmed: bool = False
) -> Callable:
    """``path`` may name the patient ({pk}) and the plan ({plan})."""

    def build(people: People) -> Visit:
        plan = setup(people)
        return Visit(
            people.alice.user,
            path.format(pk=people.pat.pk, plan=getattr(plan, "pk", None)),
            confirmed,
        )

    return build


def _clinic_admin(path: str, *, confirmed: bool = False) -> Callable:
    """``path`` may name the patient ({pk}) and the patient's account ({user})."""

    def build(people: People) -> Visit:
        _long_history(people)
        admin = Membership.objects.create(
            user=make_user("carol@a.example", "Carol Clinic-Admin"),
            clinic=people.alice.clinic,
            role=Membership.Role.CLINIC_ADMIN,
        )
        _second_factor(people.pat.user)
        _second_factor(people.alice.user)
        return Visit(admin.user, path.format(pk=people.pat.pk, user=people.pat.user_id), confirmed)

    return build


def _second_factor(user: User) -> None:
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def _confirm_page_with_a_code(people: People) -> Visit:
    """The sudo moment's page, with both ways (the patient has an app set up)."""
    _ready(people)
    _second_factor(people.pat.user)
    return Visit(people.pat.user, "/account/confirm/?next=/account/password/")


def _email_confirm_page(people: People) -> Visit:
    """The page a link to a new sign-in address opens (accounts.email_change),
    with the longest address there can be."""
    _ready(people)
    longest = "a" * 64 + "@" + ".".join(["b" * 59] * 3) + ".example"
    token = make_token(people.pat.user, longest)
    return Visit(people.pat.user, f"/account/email/confirm/{token}/")


def _passkey_page(what: str, *, confirmed: bool = False) -> Callable:
    """Alice's passkey pages, with a passkey whose name is as long as allowed."""

    def build(people: People) -> Visit:
        _ready(people)
        passkey = WebAuthnCredential.objects.create(
            user=people.alice.user,
            name="Supercalifragilisticexpialidocious-security-key-in-the-blue-bag",
            credential_id=uuid4().bytes,
            public_key=b"",
            confirmed=True,
        )
        paths = {
            "list": "/account/security/",
            "add": "/account/security/passkeys/add/",
            "name": f"/account/security/passkeys/{passkey.pk}/",
            "remove": f"/account/security/passkeys/{passkey.pk}/remove/",
        }
        return Visit(people.alice.user, paths[what], confirmed)

    return build


PATIENT_PAGES: dict[str, Callable[[People], Visit]] = {
    "today, session to do": _patient("/home/", _plan_today),
    "today, session done": _today_done,
    "today, plan paused": _today_paused,
    "today, no plan": _patient("/home/"),
    "plan calendar": _patient("/home/plan/", _long_history),
    "guided timer": _patient("/home/timer/", _plan_today),
    "side-effect report form": _patient("/home/side-effects/new/", _plan_today),
    "side-effect detail": _side_effect_detail,
    "settings": _patient("/home/settings/", _plan_today),
    "who has looked at my record": _patient("/home/settings/who-looked/", _long_history),
    "safety": _patient("/safety/"),
    "library": _patient("/library/"),
    "library, positions": _patient("/library/positions/"),
    "library, routines": _patient("/library/routines/"),
    "library, a routine": _patient("/library/routines/standard-three-stage/"),
    "library, guidance": _patient("/library/guides/how-to-use-the-mat/"),
    "library, evidence": _patient("/library/evidence/"),
    "patient's password change": _patient("/account/password/", confirmed=True),
    "patient's email change": _patient("/account/email/", confirmed=True),
    "new email address, confirm from the link": _email_confirm_page,
    "confirm it is you, password or code": _confirm_page_with_a_code,
    "patient's account security": _patient("/account/security/"),
    "patient's sign-in code set-up": _patient("/account/security/set-up/"),
}

PRACTITIONER_PAGES: dict[str, Callable[[People], Visit]] = {
    "patient list": _practitioner("/patients/"),
    "add patient": _practitioner("/patients/add/"),
    "patient page": _practitioner("/patients/{pk}/"),
    "visit form": _practitioner("/patients/{pk}/visits/add/"),
    "screening form": _practitioner("/patients/{pk}/screening/"),
    "plan assign with preview": _practitioner(
        "/patients/{pk}/plans/new/?routine=standard-three-stage", _ready
    ),
    "plan detail": _practitioner("/patients/{pk}/plans/{plan}/"),
    "review, long history": _practitioner("/patients/{pk}/review/"),
    "pre-visit summary": _practitioner("/patients/{pk}/summary/"),
    "email page": _practitioner("/account/notifications/"),
    "practitioner's safety page": _practitioner("/safety/", _ready),
    "practitioner's library, a routine": _practitioner(
        "/library/routines/standard-three-stage/", _ready
    ),
    "practitioner's password change": _practitioner("/account/password/", confirmed=True),
    "practitioner's email change": _practitioner("/account/email/", confirmed=True),
    "practitioner's confirm it is you": _practitioner(
        "/account/confirm/?next=/patients/{pk}/export.csv", _ready
    ),
    "practitioner's account security": _practitioner("/account/security/"),
    "practitioner's recovery codes": _practitioner("/account/security/recovery-codes/"),
    "practitioner's account security, with a passkey": _passkey_page("list"),
    "add a passkey": _passkey_page("add", confirmed=True),
    "name a passkey": _passkey_page("name"),
    "remove a passkey": _passkey_page("remove", confirmed=True),
    "clinic admin, patient list": _clinic_admin("/patients/"),
    "clinic admin, review": _clinic_admin("/patients/{pk}/review/"),
    "clinic admin, audit trail": _clinic_admin("/clinic/audit/"),
    "clinic admin, people": _clinic_admin("/clinic/people/"),
    "clinic admin, reset a second factor": _clinic_admin(
        "/clinic/people/{user}/reset-second-factor/", confirmed=True
    ),
}

PAGES = {**PATIENT_PAGES, **PRACTITIONER_PAGES}
