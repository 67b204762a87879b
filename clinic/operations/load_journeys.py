"""What ``make load``'s simulated people (``clinic/operations/locustfile.py``)
need besides locust: the journeys' addresses, the manifest's people handed
out one each, the code their authenticator shows, and a cookie policy for
plain HTTP on loopback. Kept apart from locust so the tests can check it
without the bench packages installed.
"""

import itertools
import json
import os
import re
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

from django_otp.oath import TOTP

MANIFEST = Path(os.environ.get("LOAD_MANIFEST", "var/bench/manifest.json"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')
CHECK_OFF = re.compile(r'action="(/home/sessions/\d+/done/)"')
DETAILS = re.compile(r'action="(/home/sessions/\d+/details/)"')
# The journeys' addresses, as the site's URLconf names them (a test resolves them).
URLS = {
    "sign-in": "/sign-in/",
    "second factor": "/account/security/check/",
    "today": "/home/",
    "tick off": "/home/sessions/{pk}/done/",
    "save details": "/home/sessions/{pk}/details/",
    "side effect form": "/home/side-effects/new/",
    "plan": "/home/plan/",
    "patient list": "/patients/",
    "review": "/patients/{pk}/review/",
    "feedback": "/patients/{pk}/review/feedback/",
}


def load_manifest(path: Path = MANIFEST) -> dict:
    return json.loads(path.read_text())


class People:
    """Hands each simulated person a different patient or practitioner."""

    def __init__(self, manifest: dict) -> None:
        main = {c["id"] for c in manifest["clinics"] if not c.get("scaling")}
        self.password = manifest["password"]
        self.key = bytes.fromhex(manifest["totp_key_hex"])
        self.patients = [p for p in manifest["patients"] if p["clinic_id"] in main]
        self.practitioners = [p for p in manifest["practitioners"] if p["clinic_id"] in main]
        self.by_clinic: dict[int, list[dict]] = {}
        for patient in self.patients:
            self.by_clinic.setdefault(patient["clinic_id"], []).append(patient)
        self._patients = itertools.cycle(self.patients)
        self._practitioners = itertools.cycle(self.practitioners)
        self._addresses = itertools.count(1)

    def next_patient(self) -> dict:
        return next(self._patients)

    def next_practitioner(self) -> dict:
        return next(self._practitioners)

    def next_address(self) -> str:
        n = next(self._addresses)
        return f"10.{n // 62500 % 250}.{n // 250 % 250}.{n % 250 + 1}"

    def code(self, at: float) -> str:
        """The code every bench authenticator shows at ``at`` (they share one key)."""
        counter = TOTP(self.key, step=30, t0=0, digits=6, drift=0)
        counter.time = at
        return f"{counter.token():06d}"


_people: People | None = None


def people() -> People:
    global _people
    if _people is None:
        _people = People(load_manifest())
    return _people


def send_secure_cookies_over_plain_http() -> None:
    """The site's cookies are Secure (it believes it is behind TLS, as the
    proxy header says); locust talks plain HTTP to it on loopback. requests
    copies its cookie jars with the default policy on every request and
    redirect, so the policy itself is told to send them: in locust's own
    process only, which talks to nothing but loopback."""
    DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True
