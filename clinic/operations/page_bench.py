"""The pages ``make bench-run`` drives, the people it signs in, and what is
measured in-process (queries per request, bytes sent).

The data comes from a manifest (``var/bench/manifest.json``, written by
``manage.py bench_data``): its clinics, practitioners and patients, one
password, and which clinic, practitioner and patient stand for each size.
``demo_manifest`` writes the same shape from ``seed_demo``'s people, for a
small run on a development database.

People are signed in without the throttled form: a real session is made
with ``django.contrib.auth.login`` and, for someone with an authenticator,
``django_otp.login``, exactly as the sign-in and second-factor pages would
leave it (the session clock included), so the site sees a signed-in,
factor-verified person. Its key goes in the load generator's cookie.

Each page is then requested once or twice here with ``django.test.Client``
against the same database and settings: the answer's status (which the
timed run must see every time), its queries, and its body as sent to a
browser that accepts gzip and Brotli.
"""

import gzip
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode
from uuid import uuid4

import django_otp
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import _get_new_csrf_string
from django.templatetags.static import static
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.clock import patient_today
from accounts.models import Membership, Patient, User
from accounts.second_factor import authenticator
from accounts.session_store import SessionStore
from clinic.operations.bench_urls import BARE_URL, FLOOR_URL
from clinic.plans.models import PlannedSession, PlanStatus
from mats.services import published_routine_templates

HOST = "127.0.0.1"
ORIGIN = f"https://{HOST}"
# What a current browser sends; pages come back gzipped, static files as Brotli.
ACCEPT_ENCODING = "gzip, deflate, br"
# Where the load generator puts a fresh submission key in a posted body, so
# that every side-effect report is a new one, as each would be from a person.
NEW_KEY = "__NEW_KEY__"
BACKEND = "accounts.sign_in_limits.AddressLimitBackend"
# How many people take turns on a page: one per connection of the load generator.
PEOPLE_PER_PAGE = 8


# --- The manifest --------------------------------------------------------------------


def read_manifest(path: Path) -> dict:
    manifest = json.loads(Path(path).read_text())
    missing = {"clinics", "practitioners", "patients", "scaling"} - manifest.keys()
    if missing:
        raise ValueError(f"{path} has no {', '.join(sorted(missing))}.")
    return manifest


def demo_manifest() -> dict:
    """The manifest's shape, from the database's ``seed_demo`` people: every
    size is the largest demo clinic, its first practitioner and first patient
    with an account (Ada), who also stands for the long history."""
    from clinic.patients.demo import DEMO_AUTHENTICATOR_KEY
    from clinic.patients.management.commands.seed_demo import DEMO_PASSWORD

    patients = list(
        Patient.objects.filter(user__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    members = list(
        Membership.objects.filter(role=Membership.Role.PRACTITIONER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    if not patients or not members:
        raise ValueError("No demo people: run seed_content and seed_demo on this database first.")
    sizes = {}
    for patient in patients:
        sizes[patient.clinic_id] = sizes.get(patient.clinic_id, 0) + 1
    clinic_id = max(sizes, key=sizes.get)
    subject = next(p for p in patients if p.clinic_id == clinic_id)
    member = next(m for m in members if m.clinic_id == clinic_id)
    size = Patient.objects.filter(clinic_id=clinic_id).count()
    return {
        "password": DEMO_PASSWORD,
        "totp_key_hex": DEMO_AUTHENTICATOR_KEY,
        "clinics": [
            {"id": c.pk, "name": c.name, "patients": c.patients.count()}
            for c in {m.clinic for m in members}
        ],
        "practitioners": [{"email": m.user.email, "clinic_id": m.clinic_id} for m in members],
        "patients": [
            {"email": p.user.email, "id": p.pk, "clinic_id": p.clinic_id} for p in patients
        ],
        "scaling": {
            str(size): {
                "clinic_id": clinic_id,
                "practitioner_email": member.user.email,
                "patient_email": subject.user.email,
                "patient_id": subject.pk,
            }
        },
        "long_history_patient": {"email": subject.user.email, "id": subject.pk},
    }


# --- Signing in ----------------------------------------------------------------------


def signed_in_session(user: User) -> str:
    """A new session of ``user``, signed in and (with an authenticator) past
    the second factor, saved in the session store; its key."""
    request = HttpRequest()
    request.session = SessionStore()
    request.user = AnonymousUser()  # login() replaces it; django_otp.login reads it
    login(request, user, backend=BACKEND)
    device = authenticator(user)
    if device is not None:
        django_otp.login(request, device)
    request.session.save()
    return request.session.session_key


@dataclass(frozen=True)
class Person:
    """A signed-in browser: the cookies it sends."""

    email: str
    session: str
    csrf: str

    @property
    def cookies(self) -> dict[str, str]:
        return {settings.SESSION_COOKIE_NAME: self.session, settings.CSRF_COOKIE_NAME: self.csrf}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


def sign_in(email: str) -> Person:
    user = User.objects.get(email__iexact=email)
    return Person(user.email, signed_in_session(user), _get_new_csrf_string())


def browser(person: Person | None = None) -> Client:
    """A client that talks to the site as the load generator does: over
    HTTPS (the proxy's header), at the loopback host, accepting compression,
    checking CSRF as the site does for a browser."""
    client = Client(
        enforce_csrf_checks=True,
        HTTP_HOST=HOST,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING,
    )
    if person is not None:
        for name, value in person.cookies.items():
            client.cookies[name] = value
    return client


# --- Forms as a browser reads them ---------------------------------------------------


class _FormReader(HTMLParser):
    """Each form's action, id and (name, value) pairs as a browser would post them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: list | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": []})
        if not self.forms or not attrs.get("name"):
            return
        fields = self.forms[-1]["fields"]
        name = attrs["name"]
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "reset", "image", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                fields.append([name, attrs.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "textarea":
            self._textarea = [name, ""]
            fields.append(self._textarea)
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            fields.append([self._select, attrs.get("value", "")])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str, action: str, *, page: str = "") -> list[list[str]]:
    """The fields of the page's form posting to ``action``: by its action or
    hx-post, or, with no action, the address of the ``page`` it is on."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        attrs = form["attrs"]
        target = attrs.get("action") or attrs.get("hx-post") or page
        if attrs.get("method", "get").lower() == "post" and target == action:
            return form["fields"]
    raise LookupError(f"no form posts to {action}")


def _body(fields: list[list[str]], **changes: str) -> str:
    kept = [(name, value) for name, value in fields if name not in changes]
    return urlencode([*kept, *changes.items()])


# --- Pages ---------------------------------------------------------------------------


@dataclass
class Request:
    """One person's request for a page, as the load generator sends it."""

    person: Person | None
    path: str
    method: str = "GET"
    body: str = ""
    htmx: bool = False
    referer: str = ""

    def headers(self) -> dict[str, str]:
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if self.person is not None:
            headers["Cookie"] = self.person.cookie_header
        if self.method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = ORIGIN
            headers["Referer"] = ORIGIN + (self.referer or self.path)
        if self.htmx:
            headers["HX-Request"] = "true"
            headers["HX-Current-URL"] = ORIGIN + (self.referer or self.path)
        return headers


@dataclass
class Page:
    """A page of the benchmark: who asks for it (in turns), and what is
    measured in-process: the status every answer must have, queries and bytes."""

    name: str
    requests: list[Request]
    status: int = 200
    queries: int | None = None
    bytes: int | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def send(client: Client, request: Request):
    headers = {}
    if request.htmx:
        headers["HX-Request"] = "true"
        headers["HX-Current-URL"] = ORIGIN + (request.referer or request.path)
    if request.method == "POST":
        headers["Origin"] = ORIGIN
        headers["Referer"] = ORIGIN + (request.referer or request.path)
        body = request.body.replace(NEW_KEY, str(uuid4()))
        return client.post(
            request.path,
            body,
            content_type="application/x-www-form-urlencoded",
            headers=headers,
            secure=True,
        )
    return client.get(request.path, headers=headers, secure=True)


def sent_bytes(response) -> int:
    """The body's size as sent (compressed when the site compressed it)."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(page: Page) -> Page:
    """Send the page's first request twice (the first warms caches and the
    session's clock); keep the second's status, queries and bytes."""
    request = page.requests[0]
    client = browser(request.person)
    send(client, request)
    with CaptureQueriesContext(connection) as queries:
        response = send(client, request)
        size = sent_bytes(response)
    page.status = response.status_code
    page.queries = len(queries)
    page.bytes = size
    return page


def answers(person: Person, path: str) -> int:
    return send(browser(person), Request(person, path)).status_code


@dataclass
class Cast:
    """Who asks for the pages of one clinic."""

    patients: list[Person]  # in turns on the patient's pages; each answers 200 on Today
    practitioners: list[Person]
    subject: int  # the patient whose pages the practitioners read
    subject_name: str
    # Other patients of the clinic who post the side-effect reports, so that the
    # pages of ``patients`` (Today lists the day's reports) do not grow from one
    # round to the next; empty when the clinic has no more.
    reporters: list[Person] = field(default_factory=list)


def cast(manifest: dict, entry: dict, *, people: int = PEOPLE_PER_PAGE, reporters: int = 0) -> Cast:
    """Sign in up to ``people`` patients of ``entry``'s clinic whose Today
    page shows (read the safety guidance, answered the questions), the
    entry's patient first, up to ``reporters`` more such patients, and up to
    ``people`` of its practitioners."""
    clinic_id = entry["clinic_id"]
    emails = [entry["patient_email"]] + [
        p["email"]
        for p in manifest["patients"]
        if p["clinic_id"] == clinic_id and p["email"] != entry["patient_email"]
    ]
    patients = []
    wanted = people + reporters
    for email in emails[: wanted * 4]:
        person = sign_in(email)
        if answers(person, reverse("patient-home")) == 200:
            patients.append(person)
        if len(patients) == wanted:
            break
    practitioners = [entry["practitioner_email"]] + [
        p["email"]
        for p in manifest["practitioners"]
        if p["clinic_id"] == clinic_id and p["email"] != entry["practitioner_email"]
    ]
    subject = Patient.objects.get(pk=entry["patient_id"])
    return Cast(
        patients=patients[:people],
        practitioners=[sign_in(email) for email in practitioners[:people]],
        subject=subject.pk,
        subject_name=subject.full_name,
        reporters=patients[people:],
    )


def todays_session(person: Person) -> int | None:
    patient = Patient.objects.get(user__email__iexact=person.email)
    session = (
        PlannedSession.objects.filter(
            patient=patient, date=patient_today(patient), plan__status=PlanStatus.ACTIVE
        )
        .order_by("pk")
        .first()
    )
    return None if session is None else session.pk


def _page_html(person: Person, page_path: str) -> str:
    response = send(browser(person), Request(person, page_path))
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return content.decode()


def _posted(person: Person, page_path: str, target: str, **changes: str) -> str:
    """The body of the form on ``page_path`` posting to ``target``, as the
    person's browser would send it, with ``changes``."""
    html = _page_html(person, page_path)
    return _body(form_fields(html, target, page=page_path.split("?")[0]), **changes)


def _check_off_body(person: Person, home: str, action: str) -> str:
    """Today's "Done" form; once the session is ticked off (an earlier run)
    the page shows no such form, and the body is what it was: the token alone."""
    try:
        return _posted(person, home, action)
    except LookupError:
        token = form_fields(_page_html(person, home), reverse("logout"))
        return _body([field for field in token if field[0] == "csrfmiddlewaretoken"])


def ceilings(patient: Person) -> list[Page]:
    return [
        Page("bare view (2 bytes)", [Request(None, BARE_URL)]),
        Page("signed-in floor (the email)", [Request(patient, FLOOR_URL)]),
        Page("static file (app.css, WhiteNoise)", [Request(None, static("css/app.css"))]),
    ]


def patient_pages(people: Cast, *, keep_unreported: set[str] = frozenset()) -> list[Page]:
    """The patient's pages, each person in turn. The cast's ``reporters``
    post the side-effect reports when it has them; otherwise the patients
    do, but not those in ``keep_unreported`` (whose records the
    practitioner's pages read), so those pages do not grow during the run."""
    if not people.patients:
        return []
    home = reverse("patient-home")
    pages = [Page("patient home", [Request(p, home) for p in people.patients])]
    check_offs = []
    for person in people.patients:
        session = todays_session(person)
        if session is not None:
            action = reverse("session-check-off", args=[session])
            body = _check_off_body(person, home, action)
            check_offs.append(Request(person, action, "POST", body, referer=home))
    if check_offs:
        # The first answer ticks the session off; every later one is
        # "Already ticked off", and the same redirect back to Today.
        pages.append(Page("check-off (POST)", check_offs))
    report = reverse("side-effect-report")
    reports = []
    reporters = people.reporters or [p for p in people.patients if p.email not in keep_unreported]
    for person in reporters or people.patients:
        body = _posted(
            person,
            report,
            report,
            details="A little redness on the upper back this morning.",
            submission_key=NEW_KEY,
        )
        reports.append(Request(person, report, "POST", body))
    pages.append(Page("side-effect report (POST)", reports))
    for name, url in (("plan calendar", "patient-plan"), ("timer", "session-timer")):
        pages.append(Page(name, [Request(p, reverse(url)) for p in people.patients]))
    return pages


def search_term(name: str) -> str:
    """The first four letters of the family name: what someone types."""
    return name.split()[-1][:4].lower()


def practitioner_pages(people: Cast) -> list[Page]:
    if not people.practitioners:
        return []
    listing = reverse("patient-list")
    pk = people.subject
    assign = reverse("plan-assign", args=[pk])
    routine = published_routine_templates().order_by("pk").first()
    form_page = f"{assign}?{urlencode({'routine': routine.slug})}"
    previews = [
        Request(
            p,
            assign,
            "POST",
            _posted(p, form_page, assign, action="preview"),
            htmx=True,
            referer=form_page,
        )
        for p in people.practitioners
    ]

    def each(path: str) -> list[Request]:
        return [Request(p, path) for p in people.practitioners]

    return [
        Page("patient list", each(listing)),
        Page("patient list, a search", each(f"{listing}?q={search_term(people.subject_name)}")),
        Page("patient list, flagged only", each(f"{listing}?show=attention")),
        Page("patient page", each(reverse("patient-detail", args=[pk]))),
        Page("review", each(reverse("patient-review", args=[pk]))),
        Page("summary", each(reverse("patient-summary", args=[pk]))),
        Page("plan assignment preview (htmx)", previews),
    ]


# --- The reminder scan ----------------------------------------------------------------


@dataclass
class Scan:
    due: int
    stored: int
    seconds: float
    queries: int


def time_reminder_scan() -> Scan:
    """One run of the minute's scan (``reminders.send_due``) with every patient
    whose reminders are on made due at this minute (``bench_data.arm``), in a
    transaction rolled back afterwards: nothing is sent, nothing stays."""
    from datetime import UTC, datetime, timedelta
    from time import perf_counter

    from django.db import transaction

    from clinic.operations import bench_data
    from clinic.reminders.scan import send_due

    # The next whole minute, run as if it had come: reminder times set now
    # (``arm``) count only from an instant after they were set.
    due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    with transaction.atomic():
        armed = bench_data.arm(due.isoformat())
        with CaptureQueriesContext(connection) as queries:
            started = perf_counter()
            stored = send_due(due)
            seconds = perf_counter() - started
        transaction.set_rollback(True)
    return Scan(len(armed["due"]), stored, seconds, len(queries))


def wait_until_served(port: int, seconds: float = 120) -> None:
    """Until the site answers the bare view: gunicorn listens before its
    workers have loaded the site."""
    import http.client
    import time

    deadline = time.monotonic() + seconds
    while True:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            connection.request("GET", BARE_URL, headers=Request(None, BARE_URL).headers())
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the site did not answer on port {port} in {seconds:.0f} s")
        time.sleep(0.5)
