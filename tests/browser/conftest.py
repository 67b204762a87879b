"""Playwright against Django's live server, driving Debian's Chromium.

The browser is ``/usr/bin/chromium`` (installed by ``.ci/run`` with
apt-get); Playwright never downloads one. A missing browser fails the run:
there is no skip.

Fixtures offered to browser tests:

- ``page``: pytest-playwright's page, in a fresh context per test;
- ``site``: the live server's base URL, e.g. ``http://localhost:41234``;
- ``sign_in(page, email, password)``: signs in through the real form, and
  types the authenticator's current code when the site asks for one
  (members and staff are given an authenticator first if they have none);
- ``log_in_as(page, user, confirmed=False)``: puts a session cookie for
  ``user`` into the browser, for tests whose subject is not the sign-in
  itself; ``confirmed=True`` has them past the sudo moment (accounts.sudo);
- ``no_js_page``: a laptop-sized page with JavaScript switched off, in a
  context of its own, for proving that forms work as plain HTML.
- ``phone_without_js``: a page at phone size with JavaScript switched off,
  in a fresh context per test: what a person gets with scripts blocked, or
  on a slow phone before htmx has loaded.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from accounts.models import User
from accounts.second_factor import authenticator, must_have_factor
from tests.factors import fresh_code_for, give_authenticator

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in this thread; the Django ORM
# calls that tests make alongside it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def playwright(playwright):
    """pytest-playwright's Playwright, which closes Django's connections before it stops.

    From the first browser test until Playwright stops, its event loop counts
    as running in the main thread, so Django keeps that thread's connections
    in a store of their own (asgiref's Local, as for async code), apart from
    the one the test database's teardown closes. A test that runs meanwhile
    and keeps its connection open (any test not marked transactional, in
    whatever order the tests run) would leave a session behind and the test
    database could not be dropped. While the loop still runs, close_all()
    reaches that store.
    """
    yield playwright
    connections.close_all()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. Install Debian's package "
            "(apt-get install chromium) or run .ci/run, which does."
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


def _without_js(browser, viewport):
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    # htmx cannot run with JavaScript off; a request it sent would mean the
    # switch did not hold, and the test would prove nothing.
    htmx_requests = []
    context.on(
        "request",
        lambda request: (
            htmx_requests.append(request.url) if "hx-request" in request.headers else None
        ),
    )
    yield context.new_page()
    context.close()
    assert not htmx_requests, f"htmx ran with JavaScript off: {htmx_requests}"


@pytest.fixture
def no_js_page(browser):
    yield from _without_js(browser, LAPTOP)


@pytest.fixture
def phone_without_js(browser):
    yield from _without_js(browser, PHONE)


@pytest.fixture
def site(live_server) -> str:
    return live_server.url


@pytest.fixture
def sign_in(site):
    def _sign_in(page, email: str, password: str) -> None:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and must_have_factor(user):
            give_authenticator(user)
        page.goto(f"{site}/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        # Members and staff (and patients who turned codes on) are asked for
        # the code their authenticator app shows now.
        page.wait_for_load_state()
        if "/account/security/check/" in page.url:
            device = authenticator(user)
            page.get_by_label("Code").fill(fresh_code_for(device))
            page.get_by_role("button", name="Continue").click()

    return _sign_in


@pytest.fixture
def log_in_as(site):
    def _log_in_as(page, user, *, confirmed: bool = False) -> None:
        """``confirmed``: as if ``user`` had just passed the sudo moment too."""
        client = Client()
        client.force_login(user)
        if confirmed:
            from tests.sudo import confirmed as mark_confirmed

            mark_confirmed(client)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": site}]
        )

    return _log_in_as
