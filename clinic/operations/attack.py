"""The HTTP clients of ``manage.py sign_in_attack_bench``: attackers posting
wrong passwords to the sign-in form, and a patient reading Today.

Standard library only: each attacker runs in a process of its own (started
with ``spawn``), so that eight of them never share one interpreter's lock
with the patient whose timings are measured. Every request goes to the
site as its TLS proxy would pass it on: ``X-Forwarded-Proto: https`` and
the client's address appended to ``X-Forwarded-For``.
"""

import http.client
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The first words of the sign-in page's refusals (accounts.forms, locked_out.html).
OUTCOMES = {
    b"That email and password do not match": "wrong password",
    b"Too many sign-ins have failed from your network": "address paused",
    b"Too many sign-in attempts": "email locked",
    b"The site is busy checking other sign-ins": "busy, try again",
}


@dataclass
class Answer:
    status: int
    cookies: str
    body: bytes


def request(port: int, method: str, path: str, address: str, headers=None, body=None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={
                "Host": "127.0.0.1",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": address,
                **(headers or {}),
            },
        )
        response = connection.getresponse()
        cookies = "; ".join(response.headers.get_all("Set-Cookie") or [])
        return Answer(response.status, cookies, response.read())
    finally:
        connection.close()


@dataclass
class SignInForm:
    """The sign-in page as one browser holds it: its CSRF cookie and token."""

    port: int
    address: str
    cookie: str = ""
    token: str = ""

    def fetch(self) -> None:
        page = request(self.port, "GET", "/sign-in/", self.address)
        self.cookie = re.search(r"csrftoken=([^;]+)", page.cookies)[1]
        self.token = TOKEN.search(page.body)[1].decode()

    def post(self, email: str, password: str, address: str | None = None) -> Answer:
        if not self.token:
            self.fetch()
        form = {"csrfmiddlewaretoken": self.token, "username": email, "password": password}
        return request(
            self.port,
            "POST",
            "/sign-in/",
            address or self.address,
            {
                "Cookie": f"csrftoken={self.cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": "https://127.0.0.1",
                "Referer": "https://127.0.0.1/sign-in/",
            },
            urlencode(form),
        )


def outcome(answer: Answer) -> str:
    if answer.status == 302:
        return "signed in"
    for words, name in OUTCOMES.items():
        if words in answer.body:
            return name
    return f"other ({answer.status})"


@dataclass
class Tally:
    attempts: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def attack(
    port: int, number: int, emails: list[str], start: float, stop: float, rotate: bool
) -> Tally:
    """Post wrong passwords from ``start`` to ``stop`` (``time.time()``): attacker
    ``number`` tries each of ``emails`` in turn (spraying), or one email over
    and over when given one. Its address is its own, or a new one for every
    attempt with ``rotate`` (many machines)."""
    # Real attackers use their own machines; here they share the site's
    # cores, so they yield them to the site and the patient when both want one.
    os.nice(10)
    form = SignInForm(port, f"203.0.113.{number + 1}")
    form.fetch()
    tally = Tally()
    time.sleep(max(0.0, start - time.time()))
    while time.time() < stop:
        n = tally.attempts
        address = f"10.{number}.{n // 250 % 250}.{n % 250 + 1}" if rotate else None
        answer = form.post(emails[n % len(emails)], f"guess-{number}-{n}", address)
        if answer.status == 403:  # the token went stale: fetch the page again
            form.fetch()
        name = outcome(answer)
        tally.attempts += 1
        tally.outcomes[name] = tally.outcomes.get(name, 0) + 1
    return tally


def read_today(port: int, cookie: str, address: str, stop: float) -> list[float]:
    """Fetch Today (/home/) one after another until ``stop``; each one's seconds."""
    timings = []
    while time.time() < stop:
        began = time.perf_counter()
        answer = request(port, "GET", "/home/", address, {"Cookie": cookie})
        timings.append(time.perf_counter() - began)
        if answer.status != 200:
            raise RuntimeError(f"Today answered {answer.status} to the signed-in patient")
    return timings
