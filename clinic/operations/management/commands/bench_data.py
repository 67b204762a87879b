"""Fill the current settings' database with a clinic group's data at full
size (``clinic.operations.big_data``): 20 clinics of 250 patients with a
year of care each, three scaling clinics of 100, 1,000 and 5,000 patients,
one patient with three years of history.

Prints each step's time and the rows per table, and writes a manifest
(who to sign in as, the shared password and authenticator key) for the
load test and the benchmarks. Refuses any database whose name does not
start with ``matcompanion_bench``, so nobody fills a real clinic's database,
unless told ``--not-a-real-clinic``. Run seed_content first.

Run with ``make bench-data`` (a fresh database on DATABASE_URL's server).
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clinic.operations import big_data

DATABASE_PREFIX = "matcompanion_bench"
MANIFEST = Path("var/bench/manifest.json")


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise CommandError(
            f"--scaling takes whole numbers joined by commas, not {text!r}."
        ) from None
    if any(size < 1 for size in sizes):
        raise CommandError("--scaling sizes must be 1 or more.")
    return sizes


class Command(BaseCommand):
    help = "Load the large benchmark data set into this database and write its manifest."

    def add_arguments(self, parser):
        default = big_data.Size()
        parser.add_argument("--clinics", type=int, default=default.clinics)
        parser.add_argument("--patients-per-clinic", type=int, default=default.patients_per_clinic)
        parser.add_argument(
            "--practitioners-per-clinic", type=int, default=default.practitioners_per_clinic
        )
        parser.add_argument("--days", type=int, default=default.days, help="History per patient.")
        parser.add_argument(
            "--scaling",
            default=",".join(str(n) for n in default.scaling),
            help="Patients in each scaling clinic, joined by commas ('' for none).",
        )
        parser.add_argument("--scaling-days", type=int, default=default.scaling_days)
        parser.add_argument("--long-history-days", type=int, default=default.long_history_days)
        parser.add_argument("--seed", type=int, default=default.seed)
        parser.add_argument("--manifest", type=Path, default=MANIFEST)
        parser.add_argument(
            "--not-a-real-clinic",
            action="store_true",
            help=f"Load even though the database's name does not start with {DATABASE_PREFIX}.",
        )

    def handle(self, *args, **options):
        name = str(connection.settings_dict["NAME"])
        if not name.startswith(DATABASE_PREFIX) and not options["not_a_real_clinic"]:
            raise CommandError(
                f"This fills the database with made-up patients, and {name!r} does not look "
                f"like a bench database. Use one whose name starts with {DATABASE_PREFIX} "
                "(make bench-data makes one), or add --not-a-real-clinic."
            )
        if options["clinics"] < 1 or options["patients_per_clinic"] < 1:
            raise CommandError("--clinics and --patients-per-clinic must be 1 or more.")
        if options["practitioners_per_clinic"] < 1 or options["days"] < 1:
            raise CommandError("--practitioners-per-clinic and --days must be 1 or more.")
        size = big_data.Size(
            clinics=options["clinics"],
            patients_per_clinic=options["patients_per_clinic"],
            practitioners_per_clinic=options["practitioners_per_clinic"],
            days=options["days"],
            scaling=_sizes(options["scaling"]),
            scaling_days=max(1, options["scaling_days"]),
            long_history_days=max(1, options["long_history_days"]),
            seed=options["seed"],
        )
        started = time.monotonic()

        def on_step(step: str, seconds: float) -> None:
            self.stdout.write(f"{seconds:7.1f} s  {step}")

        try:
            manifest = big_data.load(size, on_step=on_step)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        total = time.monotonic() - started
        self.stdout.write(f"{total:7.1f} s  in all ({connection.vendor})")
        self.stdout.write("rows per table:")
        for table, count in big_data.row_counts().items():
            self.stdout.write(f"  {table:32} {count:>10,}")
        path: Path = options["manifest"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(manifest, indent=1))
        self.stdout.write(
            f"manifest: {path} ({len(manifest['patients']):,} patients, "
            f"{len(manifest['practitioners']):,} practitioners)"
        )
