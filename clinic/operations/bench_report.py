"""The tables ``make bench-run`` prints, and its section of BENCHMARKS.md.

``write_section`` replaces the section headed "## `make bench`" (or adds
it at the end): the machine, the date, the size of the data, the git
revision, then the tables. Nothing else in the file changes.
"""

# git is run with arguments built here.
# ruff: noqa: S603, S607

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

from clinic.operations.page_bench import Page
from clinic.operations.processes import ROOT
from clinic.operations.wrk import Run

HEADING = "## `make bench`"


@dataclass
class Result:
    page: Page
    run: Run | None  # None: not driven (measured in-process only)


# --- The machine and the data ---------------------------------------------------------


def machine() -> str:
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    system = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores{memory}, {system}, Python {platform.python_version()}, "
        f"{database()}"
    )


def database() -> str:
    if connection.vendor == "postgresql":
        major, rest = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{rest}"
    return f"{connection.display_name} {connection.Database.sqlite_version}"


def load_average() -> str:
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{commit} (with uncommitted changes)" if git("status", "--porcelain") else commit


def data_size() -> dict[str, int]:
    """Rows in the tables the pages read."""
    from accounts.models import AuditEvent, Clinic, Membership, Patient
    from clinic.plans.models import Plan, PlannedSession
    from clinic.usage.models import SessionLog, SideEffectReport

    models = {
        "clinics": Clinic,
        "practitioners": Membership,
        "patients": Patient,
        "plans": Plan,
        "planned sessions": PlannedSession,
        "session logs": SessionLog,
        "side-effect reports": SideEffectReport,
        "audit events": AuditEvent,
    }
    return {name: model.objects.count() for name, model in models.items()}


def described(counts: dict[str, int]) -> str:
    return ", ".join(f"{number:,} {name}" for name, number in counts.items())


# --- Tables -------------------------------------------------------------------------


def _share(run: Run | None, ceiling: Run | None) -> str:
    if run is None or ceiling is None or not ceiling.rps:
        return ""
    return f"{100 * run.rps / ceiling.rps:.1f} %"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def page_table(results: list[Result], bare: Run | None, floor: Run | None) -> list[str]:
    lines = [
        "| page | status | requests/s | p50 ms | p95 ms | queries | bytes sent "
        "| % of bare | % of floor |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        page, run = result.page, result.run
        status = str(page.status)
        if run is not None and not run.requests:
            status += " (no answer within the run)"
        elif run is not None and (run.unexpected or run.socket_errors):
            status += f" ({run.unexpected:,} other answers, {run.socket_errors:,} socket errors)"
        timing = [f"{run.rps:,.0f}", _ms(run.p50_ms), _ms(run.p95_ms)] if run else ["", "", ""]
        lines.append(
            "| "
            + " | ".join(
                [
                    page.name,
                    status,
                    *timing,
                    _number(page.queries),
                    _number(page.bytes),
                    _share(run, bare),
                    _share(run, floor),
                ]
            )
            + " |"
        )
    return lines


def _change(value: float, base: float, *, suffix: str = "") -> str:
    if not base:
        return ""
    return f"x{value / base:.2f}{suffix}"


def scaling_table(rows: dict[str, dict[str, Result]]) -> list[str]:
    """``rows``: for each size (in order, the smallest first), page name -> result.
    Each figure is followed by its change from the first size."""
    lines = [
        "| page | patients in the clinic (or the patient) | requests/s | p95 ms | queries "
        "| bytes sent | requests/s against the first | p95 against the first |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    sizes = list(rows)
    names = list(dict.fromkeys(name for size in sizes for name in rows[size]))
    for name in names:
        first = next((rows[size][name] for size in sizes if name in rows[size]), None)
        for size in sizes:
            result = rows[size].get(name)
            if result is None:
                continue
            run, base = result.run, first.run if first is not result else None
            if run is not None and not run.requests:
                run = None  # no answer within the run: no figure to compare
            if base is not None and not base.requests:
                base = None
            lines.append(
                "| "
                + " | ".join(
                    [
                        name,
                        size,
                        f"{run.rps:,.0f}" if run else "no answer",
                        _ms(run.p95_ms) if run else "",
                        _number(result.page.queries),
                        _number(result.page.bytes),
                        _change(run.rps, base.rps) if run and base else "",
                        _change(run.p95_ms, base.p95_ms) if run and base else "",
                    ]
                )
                + " |"
            )
    return lines


# --- BENCHMARKS.md -------------------------------------------------------------------


def section(
    *,
    setup: str,
    counts: dict[str, int],
    pages: list[str],
    scaling: list[str],
    extra: list[str],
) -> str:
    today = datetime.now(UTC).date().isoformat()
    parts = [
        f"{HEADING}: every page under load, against two ceilings",
        "",
        setup,
        "",
        f"- date: {today}",
        f"- machine: {machine()}; load average at the end {load_average()}",
        f"- data: {described(counts)}",
        f"- revision: {revision()}",
        "",
        *pages,
        "",
        *extra,
        "",
        *scaling,
        "",
    ]
    return "\n".join(parts)


def write_section(path: Path, text: str) -> None:
    """Replace the "## `make bench`" section of ``path`` with ``text`` (or add it)."""
    lines = path.read_text().splitlines() if path.exists() else ["# Benchmarks", ""]
    start = next((i for i, line in enumerate(lines) if _is_heading(line)), None)
    if start is None:
        kept_before, kept_after = lines, []
        if kept_before and kept_before[-1].strip():
            kept_before = [*kept_before, ""]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        kept_before, kept_after = lines[:start], lines[end:]
    body = text.rstrip("\n").splitlines()
    joined = [*kept_before, *body, *(["", *kept_after] if kept_after else [])]
    path.write_text("\n".join(joined) + "\n")


def _is_heading(line: str) -> bool:
    # "## `make bench-reminders`" is another section: the backtick must follow "bench".
    return line.startswith(HEADING)
