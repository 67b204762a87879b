"""Lighthouse on the patient's pages, served as production serves them.

A scratch database (beside PostgreSQL's DATABASE_URL, or a SQLite file when
there is none) gets the curated content and the demo; gunicorn serves it with
DEBUG off and the static files collected and compressed by WhiteNoise; a
demo patient signs in through the real form. Lighthouse then audits each
page with the session cookie, on a phone's screen, and this prints each
page's accessibility, best-practices and performance scores and whether the
site is installable. It fails if accessibility or best practices is under
100 on any page in either version below, or the site is not installable.

Two versions, pinned: 11.7.1 is the last with the installability checks (the
PWA category), but its trace reader cannot read the traces of the Chromium
installed here (156; every performance run ends in NO_NAVSTART), so the
performance score comes from 13.5.0, which also checks accessibility and
best practices with newer rules.

Run with ``make lighthouse``. Each version is installed once with npm into
var/lighthouse/<version> (not committed); Chromium is CHROME_PATH,
/usr/bin/chromium unless set.
"""

# Every command run here is this program's own (manage.py, gunicorn, npm,
# lighthouse), with arguments it builds itself.
# ruff: noqa: S603, S607

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError

from clinic.operations.processes import (
    ROOT,
    free_port,
    gunicorn_command,
    running,
    scratch_database,
    site_env,
    wait_for_port,
)

LIGHTHOUSE_DIR = ROOT / "var" / "lighthouse"
# Each version and the categories taken from it.
LIGHTHOUSES = {
    "11.7.1": ("accessibility", "best-practices", "pwa"),
    "13.5.0": ("performance", "accessibility", "best-practices"),
}
PATIENT = "ada.byrne@patients.example"
PAGES = {
    "Today": "/home/",
    "Plan": "/home/plan/",
    "Timer": "/home/timer/",
    "Settings": "/home/settings/",
    "Side-effect report": "/home/side-effects/new/",
    "Library": "/library/",
}
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--disable-quic --no-first-run"
)


class Command(BaseCommand):
    help = "Lighthouse on the patient's pages under production settings: scores and installability."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pages", nargs="*", choices=sorted(PAGES), help="Only these pages (default: all)."
        )
        parser.add_argument(
            "--keep-reports", metavar="DIR", help="Keep each page's JSON report in DIR."
        )

    def handle(self, *args, pages=None, keep_reports=None, **options):
        lighthouses = {version: self._lighthouse(version) for version in LIGHTHOUSES}
        chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
        if not Path(chrome).exists():
            raise CommandError(f"Chromium is not at {chrome}: set CHROME_PATH.")
        chosen = {name: PAGES[name] for name in pages} if pages else PAGES
        with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
            reports = Path(keep_reports) if keep_reports else Path(scratch)
            reports.mkdir(parents=True, exist_ok=True)
            with self._database(Path(scratch)) as database_url:
                failures = self._run(
                    lighthouses, chrome, database_url, Path(scratch), reports, chosen
                )
        if failures:
            raise CommandError("lighthouse check failed: " + "; ".join(failures))
        self.stdout.write("All pages: accessibility and best practices 100, installable.")

    # --- set-up -----------------------------------------------------------

    def _lighthouse(self, version: str) -> Path:
        folder = LIGHTHOUSE_DIR / version
        binary = folder / "node_modules" / ".bin" / "lighthouse"
        package = folder / "node_modules" / "lighthouse" / "package.json"
        installed = json.loads(package.read_text())["version"] if package.exists() else None
        if installed != version:
            self.stdout.write(f"Installing Lighthouse {version} into {folder}")
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund",
                 "--save-exact", f"lighthouse@{version}"],
                check=True,
            )  # fmt: skip
        return binary

    @contextmanager
    def _database(self, scratch: Path):
        if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
            with scratch_database("lighthouse") as url:
                yield url
        else:
            yield f"sqlite:///{scratch / 'lighthouse.sqlite3'}"

    def _run(self, lighthouses, chrome, database_url, scratch, reports, pages) -> list[str]:
        port = free_port()
        env = site_env(
            database_url,
            free_port(),  # nothing sends mail here: no worker runs
            ALLOWED_HOSTS="127.0.0.1",
            # Plain HTTP on loopback, which browsers treat as a secure context.
            SECURE_SSL_REDIRECT="0",
            STATIC_ROOT=str(scratch / "static"),
        )
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        demo = {**env, "DEBUG": "1"}  # the demo loads only with DEBUG on
        subprocess.run([*manage, "seed_content"], env=demo, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*manage, "seed_demo"], env=demo, check=True, stdout=subprocess.DEVNULL)

        with running(gunicorn_command(port, 2), env):
            wait_for_port(port, 30)
            cookie = self._sign_in(port)
            failures = []
            self.stdout.write(
                f"{'page':<20} {'version':<8} {'access.':>7} {'best pr.':>8} {'perf.':>5}"
                "  installable"
            )
            for name, path in pages.items():
                for version, binary in lighthouses.items():
                    report = self._audit(binary, chrome, port, path, cookie, reports, name, version)
                    failures += self._print(name, version, report)
        return failures

    def _sign_in(self, port: int) -> str:
        def request(method, path, headers=None, body=None):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request(
                method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **(headers or {})}
            )
            answer = connection.getresponse()
            answer.body = answer.read()
            connection.close()
            return answer

        page = request("GET", "/sign-in/")
        cookies = "; ".join(page.headers.get_all("Set-Cookie") or [])
        csrf_cookie = re.search(r"csrftoken=([^;]+)", cookies)[1]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1].decode()
        from clinic.patients.management.commands.seed_demo import DEMO_PASSWORD

        answer = request(
            "POST",
            "/sign-in/",
            {
                "Cookie": f"csrftoken={csrf_cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{port}",
            },
            urlencode(
                {"csrfmiddlewaretoken": token, "username": PATIENT, "password": DEMO_PASSWORD}
            ),
        )
        session = re.search(
            r"sessionid=([^;]+)", "; ".join(answer.headers.get_all("Set-Cookie") or [])
        )
        if answer.status != 302 or not session:
            raise CommandError(f"the demo patient could not sign in (answered {answer.status}).")
        return f"sessionid={session[1]}"

    # --- the audit ----------------------------------------------------------

    def _audit(self, lighthouse, chrome, port, path, cookie, reports, name, version) -> dict:
        output = reports / f"{re.sub(r'\W+', '-', name.lower())}-{version}.json"
        command = [
            str(lighthouse),
            f"http://127.0.0.1:{port}{path}",
            "--output=json",
            f"--output-path={output}",
            f"--only-categories={','.join(LIGHTHOUSES[version])}",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
            "--quiet",
        ]
        result = subprocess.run(
            command,
            env={**os.environ, "CHROME_PATH": chrome},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not output.exists():
            raise CommandError(f"Lighthouse failed on {path}:\n{result.stderr[-2000:]}")
        return json.loads(output.read_text())

    def _print(self, name: str, version: str, report: dict) -> list[str]:
        scores = {
            key: round((report["categories"][key]["score"] or 0) * 100)
            for key in LIGHTHOUSES[version]
        }
        manifest_audit = report["audits"].get("installable-manifest")
        installable = manifest_audit["score"] == 1 if manifest_audit else None
        final_url = report.get("finalDisplayedUrl") or report.get("finalUrl", "")
        shown = {True: "yes", False: "NO", None: "-"}[installable]
        self.stdout.write(
            f"{name:<20} {version:<8} {scores['accessibility']:>7} "
            f"{scores['best-practices']:>8} {scores.get('performance', '-'):>5}  {shown}"
        )
        failures = []
        name = f"{name} ({version})"
        if "/sign-in/" in final_url:
            failures.append(f"{name}: ended on the sign-in page, not signed in")
        for key in ("accessibility", "best-practices"):
            if scores[key] < 100:
                failures.append(f"{name}: {key} {scores[key]}")
                self._explain(report, key)
        if installable is False:
            failures.append(f"{name}: not installable")
            self._explain_audit(manifest_audit)
        return failures

    def _explain(self, report: dict, category: str) -> None:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                self._explain_audit(audit)

    def _explain_audit(self, audit: dict) -> None:
        self.stdout.write(f"    - {audit['id']}: {audit['title']}")
        for item in (audit.get("details") or {}).get("items", [])[:5]:
            node = item.get("node") or {}
            what = (
                node.get("snippet")
                or item.get("reason")
                or item.get("url")
                or item.get("description")
                or ""
            )
            self.stdout.write(f"        {str(what)[:160]}")
