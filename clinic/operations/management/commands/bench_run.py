"""Every page of the site under load, against two ceilings: ``make bench-run``.

gunicorn serves the site with ``clinic/deploy/gunicorn.conf.py`` on
127.0.0.1 under ``clinic.operations.bench_settings`` (production's settings
plus the two ceiling views), and wrk drives one page at a time with 8
connections for ``--seconds`` each, ``--rounds`` times over (every page
once a round, the median round shown), signed in as the manifest's people
taking turns (``clinic.operations.page_bench`` signs them in and makes the
requests; ``clinic.operations.wrk`` runs wrk).

In the same run: the ceilings (a bare view sending two bytes; a signed-in
floor sending the person's email) and a static file through WhiteNoise;
then the patient's pages, the practitioner's, and, for the clinics standing
for each size in the manifest, the patient list, the review and Today
again, and the pages of the patient with the longest history. Queries per
request and bytes sent are measured in-process beforehand, and the
reminder scan is timed once, in a transaction rolled back.

Run with ``make bench-run`` after ``make bench-data`` (or ``--demo`` on a
database holding ``seed_demo``'s people). ``--write`` puts the tables in
BENCHMARKS.md.
"""

import json
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Patient
from clinic.operations import bench_report, page_bench, wrk
from clinic.operations.bench_report import Result
from clinic.operations.processes import ROOT, free_port, gunicorn_command, running, wait_for_port

BENCH_SETTINGS = "clinic.operations.bench_settings"
MANIFEST = ROOT / "var" / "bench" / "manifest.json"
DEMO_MANIFEST = ROOT / "var" / "bench" / "demo-manifest.json"
BENCHMARKS = ROOT / "BENCHMARKS.md"
CONNECTIONS = 8
SCALED = ("patient list", "review", "patient home")
LONG_HISTORY = ("patient home", "plan calendar", "patient page", "review", "summary")
SETUP = (
    "gunicorn with `clinic/deploy/gunicorn.conf.py` ({workers} workers{recycling}) under "
    "production settings plus two ceiling views (`clinic/operations/bench_settings.py`), "
    "on 127.0.0.1; "
    "wrk with {connections} connections, {seconds:g} s a page after {warmup:g} s of warm-up, "
    "signed in as up to {connections} real users taking turns (sessions made as the sign-in "
    "and second-factor pages make them), on the same cores as the site. p50 and p95 are "
    "wrk's, per request. Queries and bytes (gzip or Brotli, as sent) come from one request "
    "in-process with the same settings and database. Shares are of the bare view's and the "
    "signed-in floor's requests a second."
)


def _static_out_of_date() -> bool:
    """Whether STATIC_ROOT lacks a file of static/ newer than its manifest
    (collecting and compressing everything again takes most of a minute)."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = [p for folder in settings.STATICFILES_DIRS for p in Path(folder).rglob("*")]
    return any(p.stat().st_mtime > collected for p in sources if p.is_file())


def median_result(results: list[Result]) -> Result:
    """The result with the median requests a second (the lower middle of an
    even number); runs that got no answer count as the slowest."""

    def speed(result: Result) -> float:
        return result.run.rps if result.run is not None and result.run.requests else -1.0

    ranked = sorted(results, key=speed)
    return ranked[(len(ranked) - 1) // 2]


class Command(BaseCommand):
    help = "Every page under load with wrk, against a bare view and a signed-in floor."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", type=Path, default=MANIFEST)
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Write a manifest of this database's seed_demo people and use it.",
        )
        parser.add_argument("--seconds", type=float, default=10.0, help="Load on each page.")
        parser.add_argument("--warmup", type=float, default=1.0, help="Unmeasured load first.")
        parser.add_argument("--connections", type=int, default=CONNECTIONS)
        parser.add_argument("--size", help="The manifest's size for the main table (the middle).")
        parser.add_argument(
            "--no-scaling", action="store_true", help="Only the main table and the scan."
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=3,
            help="Every page this many times, round after round (the scaling's sizes "
            "taking turns); the run with the median requests a second is shown.",
        )
        parser.add_argument(
            "--write",
            action="store_true",
            help="Replace the `make bench` section of BENCHMARKS.md.",
        )
        parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's).")
        parser.add_argument(
            "--recycle-workers",
            action="store_true",
            help="Keep gunicorn.conf.py's max_requests (off here: see the code).",
        )

    def handle(self, *args, **options):
        if settings.ROOT_URLCONF != "clinic.operations.bench_urls" or settings.DEBUG:
            raise CommandError(
                f"Run with --settings {BENCH_SETTINGS} (DEBUG off); make bench-run does."
            )
        if not settings.SECURE_PROXY_SSL_HEADER:
            raise CommandError("Set BEHIND_PROXY=1: requests come as from a TLS proxy.")
        if options["seconds"] < 1 or options["connections"] < 1:
            raise CommandError("Give --seconds of 1 or more and at least one connection.")
        wrk.wrk_path()
        # The site's one line per request would flood this console; the level
        # comes back afterwards (the command may run inside another process).
        request_log = logging.getLogger("clinic.request")
        level = request_log.level
        request_log.setLevel(logging.WARNING)
        try:
            self._measure(options)
        finally:
            request_log.setLevel(level)

    def _measure(self, options) -> None:
        started = time.monotonic()
        manifest = self._manifest(options)
        if _static_out_of_date():
            call_command("collectstatic", "--noinput", verbosity=0)
            self.stdout.write(f"static files collected: {time.monotonic() - started:.0f} s")
        counts = bench_report.data_size()
        self.stdout.write(f"data: {bench_report.described(counts)}")
        plan = self._plan(manifest, options)
        self.stdout.write(
            f"signed in, pages measured in-process: {time.monotonic() - started:.0f} s"
        )
        self._serve_and_drive(plan, options)
        scan = page_bench.time_reminder_scan()
        self._print(plan, scan, counts, options)

    # --- What to drive --------------------------------------------------------------

    def _manifest(self, options) -> dict:
        if options["demo"]:
            manifest = page_bench.demo_manifest()
            DEMO_MANIFEST.parent.mkdir(parents=True, exist_ok=True)
            DEMO_MANIFEST.write_text(json.dumps(manifest, indent=2))
            self.stdout.write(f"manifest: {DEMO_MANIFEST} (seed_demo's people)")
            return manifest
        if not options["manifest"].exists():
            raise CommandError(f"No manifest at {options['manifest']}: run make bench-data first.")
        return page_bench.read_manifest(options["manifest"])

    def _plan(self, manifest: dict, options) -> dict:
        sizes = sorted(manifest["scaling"], key=int)
        if not sizes:
            raise CommandError("The manifest names no clinic for any size.")
        size = options["size"] or sizes[len(sizes) // 2]
        if size not in manifest["scaling"]:
            raise CommandError(f"The manifest has no size {size}: {', '.join(sizes)}.")
        entry = manifest["scaling"][size]
        # Reports come from other patients: the pages of those in turns on
        # Today, the calendar and the timer stay the same size round after round.
        people = page_bench.cast(
            manifest, entry, people=options["connections"], reporters=options["connections"]
        )
        if not people.patients:
            raise CommandError("No patient of that clinic sees their Today page.")
        history = manifest.get("long_history_patient")
        readers = {entry["patient_email"]} | ({history["email"]} if history else set())
        main = [
            *page_bench.ceilings(people.patients[0]),
            *page_bench.patient_pages(people, keep_unreported=readers),
            *page_bench.practitioner_pages(people),
        ]
        scaling: dict[str, list] = {}
        if not options["no_scaling"]:
            for each in sizes:
                cast = people
                if each != size:
                    cast = page_bench.cast(manifest, manifest["scaling"][each])
                scaling[each] = self._chosen(cast, SCALED)
            if history:
                scaling["3 years of history"] = self._chosen(
                    page_bench.cast(manifest, self._entry_of(manifest, history)), LONG_HISTORY
                )
        for page in [*main, *(p for pages in scaling.values() for p in pages)]:
            page_bench.measure(page)
        return {"size": size, "main": main, "scaling": scaling}

    @staticmethod
    def _chosen(cast: page_bench.Cast, names: tuple[str, ...]) -> list:
        pages = {p.name: p for p in page_bench.patient_pages(cast, keep_unreported=set())}
        pages |= {p.name: p for p in page_bench.practitioner_pages(cast)}
        return [pages[name] for name in names if name in pages]

    @staticmethod
    def _entry_of(manifest: dict, patient: dict) -> dict:
        clinic_id = Patient.objects.values_list("clinic_id", flat=True).get(pk=patient["id"])
        member = next(p for p in manifest["practitioners"] if p["clinic_id"] == clinic_id)
        return {
            "clinic_id": clinic_id,
            "practitioner_email": member["email"],
            "patient_email": patient["email"],
            "patient_id": patient["id"],
        }

    # --- The timed run ----------------------------------------------------------------

    def _serve_and_drive(self, plan: dict, options) -> None:
        port = free_port()
        command = gunicorn_command(port, options["workers"])
        if not options["recycle_workers"]:
            # gunicorn.conf.py replaces a worker after about 1,000 requests: on
            # a live site that is minutes apart, here it would be every few
            # seconds, and the run would time workers starting up.
            command += ["--max-requests", "0"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS}
        with running(command, env) as server:
            wait_for_port(port, 60)
            page_bench.wait_until_served(port)
            # Every worker loads the site and opens its database connection.
            wrk.run(plan["main"][0], port, seconds=2, connections=options["connections"])
            # The pages take turns, round after round, so that a slow spell of
            # the machine lands on one round of a page, not on the page, and
            # the ceilings are measured beside the pages they are compared
            # with; the sizes take turns too, so that it lands on one round of
            # one size, not on a whole size. Each page's median round is shown.
            main = self._in_rounds(server, port, options, {"": plan["main"]})[""]
            plan["results"] = [main[page.name] for page in plan["main"]]
            plan["scaled"] = self._in_rounds(server, port, options, plan["scaling"])

    def _in_rounds(
        self, server, port: int, options, groups: dict[str, list]
    ) -> dict[str, dict[str, Result]]:
        """Every group's pages once a round, the groups taking turns, for
        ``--rounds`` rounds; each page's median round, by group and name."""
        count = max(1, options["rounds"])
        runs: dict[str, dict[str, list[Result]]] = {}
        for number in range(1, count + 1):
            for group, pages in groups.items():
                if group:
                    label = f"{group} (round {number}): "
                else:
                    label = f"round {number}: " if count > 1 else ""
                for page in pages:
                    result = self._drive(page, port, options, label)
                    runs.setdefault(group, {}).setdefault(page.name, []).append(result)
                    self._still_serving(server)
        return {
            group: {name: median_result(results) for name, results in pages.items()}
            for group, pages in runs.items()
        }

    @staticmethod
    def _still_serving(server) -> None:
        if server.poll() is not None:
            raise CommandError(f"gunicorn stopped (exit status {server.returncode}).")

    def _drive(self, page: page_bench.Page, port: int, options, label: str) -> Result:
        drive = {"connections": options["connections"]}
        if options["warmup"] >= 1:
            wrk.run(page, port, seconds=options["warmup"], **drive)
        run = wrk.run(page, port, seconds=options["seconds"], **drive)
        problems = ""
        if not run.requests:
            problems = "  (no answer within the run)"
        elif run.unexpected or run.socket_errors:
            problems = f"  ({run.unexpected} answers not {page.status}, {run.socket_errors} errors)"
        self.stdout.write(
            f"{label}{page.name}: {run.rps:,.0f}/s, p50 {run.p50_ms:.1f} ms, "
            f"p95 {run.p95_ms:.1f} ms{problems}"
        )
        return Result(page, run)

    # --- Output -------------------------------------------------------------------

    def _print(self, plan: dict, scan: page_bench.Scan, counts: dict, options) -> None:
        results = plan.get("results", [])
        bare = results[0].run if results else None
        floor = results[1].run if len(results) > 1 else None
        workers = options["workers"] or (os.cpu_count() or 1) + 1
        setup = SETUP.format(
            workers=workers,
            recycling="" if options["recycle_workers"] else ", never replaced during the run",
            connections=options["connections"],
            seconds=options["seconds"],
            warmup=options["warmup"] if options["warmup"] >= 1 else 0,
        )
        pages = [
            f"Main table: the clinic standing for {plan['size']} patients "
            "(the practitioner's pages read its chosen patient); each figure is the median "
            f"of {max(1, options['rounds'])} rounds, every page once a round.",
            "",
            *bench_report.page_table(results, bare, floor),
        ]
        per_query = scan.seconds / scan.stored * 1000 if scan.stored else 0.0
        extra = [
            f"Reminder scan (`reminders.send_due`) with every patient whose reminders are on "
            f"due at once, in a transaction rolled back: {scan.due:,} due, {scan.stored:,} "
            f"emails stored in {scan.seconds:.2f} s ({per_query:.2f} ms each), "
            f"{scan.queries:,} queries."
        ]
        scaled = plan.get("scaled", {})
        scaling = (
            [
                "Scaling: the same pages for the clinics standing for each size, and for the "
                "patient with the longest history (against the smallest size's figures); "
                f"each figure is the median of {max(1, options['rounds'])} rounds, the sizes "
                "taking turns.",
                "",
                *bench_report.scaling_table(scaled),
            ]
            if scaled
            else []
        )
        self.stdout.write("")
        self.stdout.write("\n".join([*pages, "", *extra, "", *scaling]))
        if options["write"]:
            path = BENCHMARKS
            bench_report.write_section(
                path,
                bench_report.section(
                    setup=setup, counts=counts, pages=pages, scaling=scaling, extra=extra
                ),
            )
            self.stdout.write(f"\nwritten to {path}")
