"""Production serving: gunicorn with clinic/deploy/gunicorn.conf.py under
production settings, fetched over HTTP; and what its pages answer while
PostgreSQL is away and after it is back, with no restart in between.

The served sites listen on loopback only and are stopped by the tests.
"""

import http.client
import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from clinic.background.models import Heartbeat
from clinic.operations.processes import stop
from tests.conftest import make_user
from tests.outage_proxy import OutageProxy, free_port
from tests.test_error_pages import page_headers_of
from tests.test_settings import ROOT

CONFIG = ROOT / "clinic" / "deploy" / "gunicorn.conf.py"
# Variables of this test process that must not reach the served site.
_NOT_PASSED_ON = {
    "DEBUG",
    "DATABASE_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "LOG_FORMAT",
    "PORT",
}
_NOT_PASSED_ON |= {"DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND", "TASKS_BACKEND", "WEB_CONCURRENCY"}
_NOT_PASSED_ON |= {"GUNICORN_CMD_ARGS", "STATIC_ROOT", "BEHIND_PROXY", "FORWARDED_ALLOW_IPS"}


def production_env(database_url: str, static_root: Path, **extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in _NOT_PASSED_ON and not k.startswith(("SENTRY_", "COV_", "COVERAGE_"))
    }
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "0",
        "SECRET_KEY": "serving-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        # Behind a TLS proxy: the test says X-Forwarded-Proto: https as one would.
        "BEHIND_PROXY": "1",
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """collectstatic once, as a deploy does (the production storage needs its manifest)."""
    root = tmp_path_factory.mktemp("static")
    manage(production_env("sqlite:///unused.sqlite3", root), "collectstatic", "--noinput", "-v0")
    return root


@contextmanager
def gunicorn(env: dict[str, str], log: Path):
    """gunicorn as `make serve` starts it, bound to a free loopback port;
    yields the port once /healthz/ answers, stops it afterwards."""
    port = free_port()
    env = {
        **env,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        # The config binds 0.0.0.0:$PORT; tests listen on loopback only.
        "GUNICORN_CMD_ARGS": f"--bind=127.0.0.1:{port}",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(CONFIG), "clinic.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(process, port, log)
            yield port
        finally:
            stop(process)


def _wait_until_up(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped at start-up:\n{log.read_text()}")
        try:
            if fetch(port, "/healthz/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


def fetch(port: int, path: str, **headers: str) -> tuple[int, http.client.HTTPMessage, str]:
    """One GET, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request("GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        conn.close()


HTTPS = {"X_Forwarded_Proto": "https"}


def test_gunicorn_serves_the_site_under_production_settings(tmp_path, static_root):
    env = production_env(f"sqlite:///{tmp_path / 'site.sqlite3'}", static_root)
    manage(env, "migrate", "--noinput", "-v0")
    log = tmp_path / "gunicorn.log"

    with gunicorn(env, log) as port:
        status, headers, body = fetch(port, "/healthz/")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        assert "no-store" in headers["Cache-Control"]
        request_id = headers["X-Request-ID"]

        status, headers, body = fetch(port, "/sign-in/", **HTTPS)
        assert status == 200
        assert "<h1>Sign in</h1>" in body
        assert "Strict-Transport-Security" in headers

        # Production settings: plain HTTP goes to HTTPS, DEBUG is off.
        status, headers, _ = fetch(port, "/sign-in/")
        assert (status, headers["Location"]) == (301, f"https://127.0.0.1:{port}/sign-in/")
        status, _, body = fetch(port, "/no-such-page/", **HTTPS)
        assert status == 404
        assert "Traceback" not in body
        assert "DEBUG" not in body

        # Stylesheets come from collectstatic's manifest (name.hash.css), served by WhiteNoise.
        sign_in = fetch(port, "/sign-in/", **HTTPS)[2]
        stylesheets = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', sign_in)
        assert stylesheets
        assert all(fetch(port, href, **HTTPS)[0] == 200 for href in stylesheets)

        # Migrated, but no worker has ever beaten: not ready.
        status, _, body = fetch(port, "/readyz/")
        assert status == 503
        assert json.loads(body)["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "worker": "missing",
        }

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = {line["request_id"]: line for line in lines if line["logger"] == "clinic.request"}
    assert requests[request_id]["route"] == "healthz"
    assert {"healthz", "login", "readyz"} <= {line["route"] for line in requests.values()}
    # No access log: the request line replaces it.
    assert '"GET /healthz/ HTTP/1.1"' not in log.read_text()


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the outage is a stopped proxy in front of it",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_while_the_database_is_away_and_recover_by_themselves(
    tmp_path, static_root
):
    db = settings.DATABASES["default"]
    proxy = OutageProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    user = make_user("outage@clinic.example", "Olive Outage")
    signed_in = Client()
    signed_in.force_login(user)
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={signed_in.cookies[settings.SESSION_COOKIE_NAME].value}"
    )
    now = timezone.now()
    Heartbeat.objects.create(worker_id="outage-test", started_at=now, seen_at=now)

    user_part = f"{db['USER']}@" if db["USER"] else ""
    url = f"postgres://{user_part}127.0.0.1:{proxy.port}/{db['NAME']}"
    # The session was signed with this process's key.
    env = production_env(url, static_root, SECRET_KEY=settings.SECRET_KEY)
    # Any signed-in person gets this page (the password page first asks them to confirm).
    page = "/account/confirm/"
    try:
        with gunicorn(env, tmp_path / "gunicorn.log") as port:
            status, normal, _ = fetch(port, page, Cookie=cookie, **HTTPS)
            assert status == 200
            assert fetch(port, "/readyz/")[0] == 200

            proxy.stop()
            status, headers, body = fetch(port, page, Cookie=cookie, **HTTPS)
            assert status == 503
            assert headers["Retry-After"] == "30"
            # The outage page carries every header the page it stands in for does.
            assert served_headers(headers) == served_headers(normal)
            assert "'nonce-" in headers["Content-Security-Policy"]
            assert "no-store" in headers["Cache-Control"]
            assert "Traceback" not in body
            assert "Mat companion is briefly unavailable" in body
            status, _, body = fetch(port, "/readyz/")
            assert status == 503
            assert json.loads(body)["checks"]["database"] == "unreachable"
            assert fetch(port, "/healthz/")[0] == 200

            proxy.start()
            assert fetch(port, page, Cookie=cookie, **HTTPS)[0] == 200
            assert fetch(port, "/readyz/")[0] == 200
    finally:
        proxy.stop()


def served_headers(headers: http.client.HTTPMessage) -> dict[str, str]:
    """What a served page shares with every other (tests/test_error_pages.py)."""
    per_answer = {"Server", "Date", "Connection"}
    return page_headers_of({k: v for k, v in headers.items() if k not in per_answer})


def gunicorn_settings(monkeypatch, argv: tuple[str, ...] = (), **env: str):
    """The settings gunicorn would run with, read from the config file as it reads them."""
    from gunicorn.app.wsgiapp import WSGIApplication

    for name in ("PORT", "WEB_CONCURRENCY", "BEHIND_PROXY", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "--config", str(CONFIG), *argv, "clinic.wsgi"])
    monkeypatch.chdir(ROOT)
    return WSGIApplication().cfg


def test_config_reads_port_and_web_concurrency(monkeypatch):
    cfg = gunicorn_settings(monkeypatch, PORT="8123", WEB_CONCURRENCY="3")
    assert (cfg.bind, cfg.workers) == (["0.0.0.0:8123"], 3)


def test_config_defaults(monkeypatch):
    cfg = gunicorn_settings(monkeypatch)
    assert cfg.bind == ["0.0.0.0:8000"]
    assert cfg.workers == (os.cpu_count() or 1) + 1
    assert (cfg.timeout, cfg.graceful_timeout, cfg.keepalive) == (30, 30, 5)
    assert cfg.accesslog is None
    assert cfg.control_socket_disable is True


def test_command_line_and_gunicorn_cmd_args_override_the_bind(monkeypatch):
    cfg = gunicorn_settings(monkeypatch, GUNICORN_CMD_ARGS="--bind=127.0.0.1:9001", PORT="8123")
    assert cfg.bind == ["127.0.0.1:9001"]
    cfg = gunicorn_settings(monkeypatch, ("--bind", "127.0.0.1:9002"))
    assert cfg.bind == ["127.0.0.1:9002"]


def test_forwarded_headers_are_trusted_only_behind_a_proxy(monkeypatch):
    assert gunicorn_settings(monkeypatch).forwarded_allow_ips == []
    assert gunicorn_settings(monkeypatch, BEHIND_PROXY="0").forwarded_allow_ips == []
    assert gunicorn_settings(monkeypatch, BEHIND_PROXY="1").forwarded_allow_ips == [
        "127.0.0.1",
        "::1",
    ]


def test_config_refuses_an_unreadable_port(monkeypatch):
    with pytest.raises(SystemExit):
        gunicorn_settings(monkeypatch, PORT="eighty")


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's [Service] and [Unit] settings, each key with all its values."""
    values: dict[str, list[str]] = {}
    for raw in (ROOT / "clinic" / "deploy" / name).read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


@pytest.mark.parametrize("name", ["matcompanion-web.service", "matcompanion-worker.service"])
def test_units_run_as_their_own_user_with_the_settings_file_and_restart(name):
    """The units are also checked by `systemd-analyze verify` in .ci/run where it exists."""
    service = unit(name)
    assert service["User"] == ["matcompanion"]
    assert service["EnvironmentFile"] == ["/etc/matcompanion/env"]
    assert service["Restart"] == ["on-failure"]
    for hardening in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "RestrictSUIDSGID"):
        assert service[hardening] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    assert service["CapabilityBoundingSet"] == [""]


def test_web_unit_starts_gunicorn_with_this_config_on_loopback():
    [command] = unit("matcompanion-web.service")["ExecStart"]
    assert "--config clinic/deploy/gunicorn.conf.py" in command
    assert "--bind 127.0.0.1:8000" in command
    assert command.endswith(" clinic.wsgi")
    [command] = unit("matcompanion-worker.service")["ExecStart"]
    assert command.endswith("python manage.py worker")
