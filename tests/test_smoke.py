"""Run again on SQLite in CI: migrations are complete and the site starts."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.smoke


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrations_unwind_and_apply_again():
    call_command("migrate", "accounts", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    from accounts.models import Clinic

    assert Clinic.objects.count() == 0


def test_sign_in_page_renders(visitor_client):
    response = visitor_client.get(reverse("login"))
    assert response.status_code == 200
    assert "<h1>Sign in</h1>" in response.text


def test_visitor_is_sent_to_sign_in(visitor_client):
    response = visitor_client.get("/")
    assert response["Location"] == "/sign-in/?next=/"


def _wsgi_get(application, path: str) -> tuple[str, bytes]:
    environ: dict = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    answer: list[str] = []
    body = b"".join(application(environ, lambda status, headers: answer.append(status)))
    return answer[0], body


def test_the_wsgi_entry_point_serves_the_sign_in_page(db):
    from clinic.wsgi import application

    status, body = _wsgi_get(application, "/sign-in/")
    assert status == "200 OK"
    assert b"<h1>Sign in</h1>" in body


def test_the_asgi_entry_point_serves_the_sign_in_page(db):
    from clinic.asgi import application

    sent: list[dict] = []
    incoming = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict:
        if incoming:
            return incoming.pop()
        await asyncio.Event().wait()  # the client stays connected until the answer
        raise AssertionError("unreachable")

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/sign-in/",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
    }
    # In a thread of its own: once a browser test has started Playwright, this
    # thread's event loop counts as running and asyncio.run() refuses.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, application(scope, receive, send)).result(timeout=30)
    assert sent[0]["status"] == 200
    assert b"<h1>Sign in</h1>" in b"".join(m.get("body", b"") for m in sent[1:])
