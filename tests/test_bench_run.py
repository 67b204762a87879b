"""`make bench-run`'s parts that need no load generator and no clock
(clinic/operations): the ceilings exist only in the bench URLconf, the demo
data's people are signed in past the second factor, every page answers as
the timed run expects with its queries and bytes counted, wrk's script and
result line, and the BENCHMARKS.md section it replaces. The timed run
itself is `make bench-run`."""

import logging
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import Resolver404, resolve

from clinic.operations import bench_report, page_bench, wrk
from clinic.operations.bench_urls import BARE_URL, FLOOR_URL
from clinic.operations.processes import ROOT

BENCH_URLS = "clinic.operations.bench_urls"


@pytest.mark.parametrize("path", [BARE_URL, FLOOR_URL])
def test_the_ceilings_are_not_in_the_site(path):
    assert resolve(path, urlconf=BENCH_URLS).url_name.startswith("bench-")
    with pytest.raises(Resolver404):
        resolve(path, urlconf="clinic.urls")


def test_bench_settings_are_production_with_the_bench_urls():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DEBUG, settings.ROOT_URLCONF, settings.MIDDLEWARE == "
        "__import__('clinic.settings').settings.MIDDLEWARE)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.operations.bench_settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "DATABASE_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.stdout.split() == ["False", BENCH_URLS, "True"], done.stderr


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):  # the demo loads only with DEBUG on
        call_command("seed_demo", stdout=StringIO())
    return page_bench.demo_manifest()


@override_settings(ROOT_URLCONF=BENCH_URLS)
def test_every_page_answers_as_the_timed_run_expects(demo):
    entry = next(iter(demo["scaling"].values()))
    people = page_bench.cast(demo, entry, people=2)
    assert len(people.patients) == 2
    assert len(people.practitioners) == 2  # past the second factor: the pages answer 200
    pages = [
        *page_bench.ceilings(people.patients[0]),
        *page_bench.patient_pages(people, keep_unreported={entry["patient_email"]}),
        *page_bench.practitioner_pages(people),
    ]
    measured = {page.name: page_bench.measure(page) for page in pages}
    expected = {
        "bare view (2 bytes)": 200,
        "signed-in floor (the email)": 200,
        "static file (app.css, WhiteNoise)": 200,
        "patient home": 200,
        "check-off (POST)": 302,  # back to Today, ticked off or already
        "side-effect report (POST)": 302,  # a new report each time, then its page
        "plan calendar": 200,
        "timer": 200,
        "patient list": 200,
        "patient list, a search": 200,
        "patient list, flagged only": 200,
        "patient page": 200,
        "review": 200,
        "summary": 200,
        "plan assignment preview (htmx)": 200,
    }
    assert {name: page.status for name, page in measured.items()} == expected
    assert measured["bare view (2 bytes)"].queries == 0
    assert measured["bare view (2 bytes)"].bytes == 2
    floor = measured["signed-in floor (the email)"]
    assert floor.queries > 0
    assert floor.bytes == len(people.patients[0].email)
    for name in ("patient home", "review", "patient list"):
        assert measured[name].queries > floor.queries, name
        assert measured[name].bytes > 200, name
    # The side-effect reports come from the people the practitioner's pages do not read.
    reporters = {r.person.email for r in measured["side-effect report (POST)"].requests}
    assert entry["patient_email"] not in reporters
    assert all(page_bench.NEW_KEY in r.body for r in measured["side-effect report (POST)"].requests)
    preview = measured["plan assignment preview (htmx)"].requests[0]
    assert preview.htmx and "action=preview" in preview.body


@override_settings(ROOT_URLCONF=BENCH_URLS)
def test_reports_come_from_other_patients_than_those_whose_pages_are_timed(demo):
    """Today lists the day's reports: were they posted by the patients in
    turns on Today, each round would time a bigger page than the last."""
    entry = next(iter(demo["scaling"].values()))
    people = page_bench.cast(demo, entry, people=1, reporters=1)
    assert len(people.patients) == 1
    assert len(people.reporters) == 1
    assert people.patients[0].email == entry["patient_email"]
    pages = {page.name: page for page in page_bench.patient_pages(people)}
    posting = {r.person.email for r in pages["side-effect report (POST)"].requests}
    reading = {r.person.email for r in pages["patient home"].requests}
    assert posting == {people.reporters[0].email}
    assert not posting & reading


def test_wrk_script_holds_each_request_and_the_expected_status():
    person = page_bench.Person("pat@example.com", "s3ss10n", "t0k3n")
    page = page_bench.Page(
        "report",
        [page_bench.Request(person, "/home/side-effects/new/", "POST", "a=1&k=__NEW_KEY__")],
        status=302,
    )
    script = wrk.script(page)
    assert "local expected = 302" in script
    assert '"Cookie"] = "sessionid=s3ss10n; csrftoken=t0k3n"' in script
    assert '"Origin"] = "https://127.0.0.1"' in script
    assert '"a=1&k=__NEW_KEY__"' in script
    assert "%__NEW_KEY__" not in script  # the Lua pattern needs no escapes for it


def test_wrk_result_line_is_read():
    run = wrk.parse(
        "Running 10s test\nRESULT requests=1500 duration_us=10000000 p50_us=4200 "
        "p95_us=9100 max_us=30000 unexpected=2 connect=0 read=1 write=0 timeout=0\n"
    )
    assert run.rps == 150
    assert (run.p50_ms, run.p95_ms, run.unexpected, run.socket_errors) == (4.2, 9.1, 2, 1)
    with pytest.raises(RuntimeError):
        wrk.parse("wrk: connection refused")


def test_write_section_replaces_only_its_own(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        "# Benchmarks\n\nIntro.\n\n## `make bench-reminders`: reminders\n\nKept.\n\n"
        "## `make bench`: old\n\nold table\n\n## `make attack-bench`: attack\n\nAlso kept.\n"
    )
    bench_report.write_section(path, "## `make bench`: new\n\nnew table\n")
    text = path.read_text()
    assert "old table" not in text
    assert "new table" in text
    assert text.index("Kept.") < text.index("new table") < text.index("Also kept.")
    bench_report.write_section(path, "## `make bench`: newer\n\nnewer table\n")
    assert path.read_text().count("## `make bench`:") == 1


def test_write_section_adds_itself_at_the_end(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## `make bench-reminders`: reminders\n\nKept.\n")
    bench_report.write_section(path, "## `make bench`: new\n\nnew table\n")
    assert path.read_text().endswith("Kept.\n\n## `make bench`: new\n\nnew table\n")


STUB_WRK = """#!/bin/sh
echo "RESULT requests=500 duration_us=2000000 p50_us=3000 p95_us=7000 max_us=9000 \\
unexpected=0 connect=0 read=0 write=0 timeout=0"
"""


def test_the_command_drives_every_page_and_writes_its_section(
    demo, tmp_path, monkeypatch, settings
):
    """End to end with gunicorn, but a stand-in for wrk that answers at once
    with the same figures for every page: the orchestration, not the timing."""
    from clinic.operations.management.commands import bench_run

    stub = tmp_path / "bin" / "wrk"
    stub.parent.mkdir()
    stub.write_text(STUB_WRK)
    stub.chmod(0o755)
    monkeypatch.setenv("PATH", f"{stub.parent}{os.pathsep}{os.environ['PATH']}")
    settings.ROOT_URLCONF = BENCH_URLS
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setattr(bench_run, "DEMO_MANIFEST", tmp_path / "manifest.json")
    monkeypatch.setattr(bench_run, "BENCHMARKS", tmp_path / "BENCHMARKS.md")
    (tmp_path / "BENCHMARKS.md").write_text("# Benchmarks\n")
    request_log = logging.getLogger("clinic.request")
    level = request_log.level
    out = StringIO()
    call_command(
        "bench_run",
        demo=True,
        seconds=1,
        warmup=0,
        connections=2,
        workers=1,
        write=True,
        rounds=2,
        stdout=out,
    )
    output = out.getvalue()
    # The sizes take turns: every scaled page is driven once a round.
    assert "(round 1): patient list:" in output
    assert "(round 2): patient list:" in output
    assert "each figure is the median of 2 rounds" in output
    # The main table's pages take turns too, every page once a round.
    assert "round 1: signed-in floor (the email):" in output
    assert "round 2: signed-in floor (the email):" in output
    assert "round 2: plan assignment preview (htmx):" in output
    assert "each figure is the median of 2 rounds, every page once a round" in output
    assert "| patient home | 200 | 250 | 3.0 | 7.0 |" in output
    assert "| check-off (POST) | 302 | 250 |" in output
    assert "100.0 % | 100.0 % |" in output  # every page as fast as both ceilings here
    assert "3 years of history" in output
    assert "Reminder scan (`reminders.send_due`)" in output
    written = (tmp_path / "BENCHMARKS.md").read_text()
    assert written.startswith("# Benchmarks\n\n## `make bench`: every page under load")
    assert "- revision: " in written
    assert "| plan assignment preview (htmx) | 200 | 250 |" in written
    # Quiet while it ran, and as loud as before afterwards: later tests read the lines.
    assert request_log.level == level


def test_the_command_refuses_the_site_settings(settings):
    from django.core.management import CommandError

    assert settings.ROOT_URLCONF == "clinic.urls"
    with pytest.raises(CommandError, match="bench_settings"):
        call_command("bench_run", demo=True)


def test_tables_say_when_a_page_got_no_answer_and_compare_with_the_first_size():
    page = page_bench.Page("review", [], queries=16, bytes=4_000)

    def run(requests: int, p95: float) -> wrk.Run:
        return wrk.Run(requests, 10.0, p95 / 2, p95, p95, 0, 0)

    bare, floor = run(10_000, 5), run(2_000, 10)
    lines = bench_report.page_table(
        [bench_report.Result(page, run(500, 40)), bench_report.Result(page, run(0, 0))],
        bare,
        floor,
    )
    assert lines[2] == "| review | 200 | 50 | 20 | 40 | 16 | 4,000 | 5.0 % | 25.0 % |"
    assert "200 (no answer within the run)" in lines[3]
    scaled = bench_report.scaling_table(
        {
            "100": {"review": bench_report.Result(page, run(500, 40))},
            "5000": {"review": bench_report.Result(page, run(250, 80))},
        }
    )
    assert scaled[2].endswith("| 100 | 50 | 40 | 16 | 4,000 |  |  |")
    assert scaled[3].endswith("| 5000 | 25 | 80 | 16 | 4,000 | x0.50 | x2.00 |")


def test_the_reminder_scan_stores_an_email_for_everyone_it_made_due(demo):
    from clinic.operations import page_bench

    scan = page_bench.time_reminder_scan()
    assert scan.due >= 1  # the demo's patient with reminders on
    assert scan.stored == scan.due


def test_a_scaled_figure_is_the_round_with_the_median_requests_a_second():
    from clinic.operations.management.commands.bench_run import median_result

    page = page_bench.Page("patient list", [])

    def result(requests: int) -> bench_report.Result:
        return bench_report.Result(page, wrk.Run(requests, 10.0, 1, 2, 3, 0, 0))

    fast, middle, slow, silent = result(500), result(450), result(230), result(0)
    assert median_result([slow, fast, middle]) is middle
    # A round that got no answer counts as the slowest; of two, the slower.
    assert median_result([fast, silent, middle]) is middle
    assert median_result([fast, slow]) is slow
    assert median_result([fast]) is fast
