"""``make load``'s simulated people (run by ``manage.py load_test``, which
starts the site and locust): patients and practitioners from the big data
set's manifest (``manage.py bench_data``), each a different person, signing
in through the real sign-in form (and, for practitioners, the second-factor
step with the code their authenticator would show) and going about their
day:

- a patient opens Today, ticks off today's session, says how it went, now
  and then reports a side effect, and looks at the plan;
- a practitioner opens the patient list, searches it, opens a patient's
  review and now and then leaves feedback.

Every request goes to the site as its TLS proxy would pass it on:
``X-Forwarded-Proto: https`` and the person's own address in
``X-Forwarded-For`` (the site trusts one proxy), so the sign-in throttle
counts each simulated person on their own. Only loopback is ever aimed at.
"""

# The simulated people's choices are random, not secret.
# ruff: noqa: S311

import random
import time
from urllib.parse import urlsplit
from uuid import uuid4

from locust import HttpUser, between, events, task

from clinic.operations.load_journeys import (
    CHECK_OFF,
    DETAILS,
    LOOPBACK,
    SUBMISSION_KEY,
    TOKEN,
    URLS,
    people,
    send_secure_cookies_over_plain_http,
)

send_secure_cookies_over_plain_http()


@events.test_start.add_listener
def _loopback_only(environment, **_kwargs):
    host = urlsplit(environment.host or "").hostname
    if host not in LOOPBACK:
        raise SystemExit(f"make load aims at loopback only, not {host!r}.")


SIGN_IN_ATTEMPTS = 8


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.address = people().next_address()
        self.client.headers.update(
            {
                "Host": "127.0.0.1",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": self.address,
                "Origin": "https://127.0.0.1",
                "Referer": "https://127.0.0.1/",
            }
        )

    def token(self, page: str) -> str:
        found = TOKEN.search(page)
        return found[1] if found else ""

    def sign_in(self, email: str) -> str:
        """Sign in through the form; returns the page the site went to next.
        "Busy, try again in a few seconds" (503: every password-check slot
        taken) is the site working as designed: counted apart, then retried."""
        for _attempt in range(SIGN_IN_ATTEMPTS):
            page = self.client.get(URLS["sign-in"], name="sign-in form").text
            form = {"csrfmiddlewaretoken": self.token(page), "username": email}
            form["password"] = people().password
            with self.client.post(
                URLS["sign-in"], data=form, name="sign-in", catch_response=True
            ) as answer:
                if answer.status_code == 503:
                    answer.request_meta["name"] = "sign-in (busy, retried)"
                    answer.success()
                    time.sleep(random.uniform(1, 3))
                    continue
                if "sessionid" not in self.client.cookies:
                    answer.failure(f"{email} could not sign in ({answer.status_code})")
                return answer.text
        return ""


class Patient(Person):
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.patient = people().next_patient()
        self.sign_in(self.patient["email"])

    @task
    def day(self) -> None:
        page = self.client.get(URLS["today"], name="today").text
        check_off = CHECK_OFF.search(page)
        if check_off:
            page = self.client.post(
                check_off[1], data={"csrfmiddlewaretoken": self.token(page)}, name="tick off"
            ).text
        details = DETAILS.search(page)
        if details and SUBMISSION_KEY.search(page):
            self.client.post(
                details[1],
                data={
                    "csrfmiddlewaretoken": self.token(page),
                    "pain_before": random.randint(3, 6),
                    "pain_after": random.randint(1, 3),
                    "relaxation": random.randint(5, 9),
                    "sensations": ["warm", "relaxed"],
                    "note": "",
                    "side_effect_details": "",
                    "submission_key": SUBMISSION_KEY.search(page)[1],
                },
                name="save details",
            )
        if random.random() < 0.1:
            self.report_side_effect()
        self.client.get(URLS["plan"], name="plan")

    def report_side_effect(self) -> None:
        page = self.client.get(URLS["side effect form"], name="side effect form").text
        key = SUBMISSION_KEY.search(page)
        self.client.post(
            URLS["side effect form"],
            data={
                "csrfmiddlewaretoken": self.token(page),
                "details": "A red mark on my upper back that faded by the evening.",
                "submission_key": key[1] if key else str(uuid4()),
            },
            name="report side effect",
        )


class Practitioner(Person):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.practitioner = people().next_practitioner()
        self.patients = people().by_clinic[self.practitioner["clinic_id"]]
        page = self.sign_in(self.practitioner["email"])
        if 'name="code"' not in page:
            page = self.client.get(URLS["second factor"], name="second factor form").text
        # Each code works once per person; every person here signs in once.
        self.client.post(
            URLS["second factor"],
            data={"csrfmiddlewaretoken": self.token(page), "code": people().code(time.time())},
            name="second factor",
        )

    @task
    def review_round(self) -> None:
        self.client.get(URLS["patient list"], name="patient list")
        patient = random.choice(self.patients)
        surname = self.name_of(patient)
        self.client.get(URLS["patient list"], params={"q": surname}, name="search")
        review = URLS["review"].format(pk=patient["id"])
        page = self.client.get(review, name="review").text
        if random.random() < 0.2:
            self.client.post(
                URLS["feedback"].format(pk=patient["id"]),
                data={
                    "csrfmiddlewaretoken": self.token(page),
                    "message": "Steady weeks, well done. Keep the breathing slow.",
                },
                name="leave feedback",
            )

    @staticmethod
    def name_of(patient: dict) -> str:
        # The manifest has no names (health-free by design); the bench names
        # come from a short list, so any surname from it finds some patients.
        return random.choice(("Byrne", "Patel", "Nowak", "Santos", "Doyle", "Tanaka"))
