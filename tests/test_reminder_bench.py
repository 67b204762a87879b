"""The reminder benchmark (`make bench-reminders`, clinic/operations), run small.

Thirty patients in three zones, due at one instant, two real workers and a
local SMTP sink: every one of them gets exactly one reminder, and the
command says so in the figures it prints. It makes its own scratch database
beside the test database's server, so it runs on PostgreSQL only (CI does);
the refusal on SQLite runs everywhere. It waits for the next whole minute,
so it takes a minute or two.
"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the benchmark needs PostgreSQL"
)


def figure(output: str, label: str) -> int:
    return int(re.search(rf"{label}: ([\d,]+)", output)[1].replace(",", ""))


@postgresql_only
def test_thirty_patients_due_at_once_each_get_one_reminder():
    out = StringIO()
    call_command("reminder_bench", patients=30, timeout=90, stdout=out)
    output = out.getvalue()
    assert "data: 30 patients with accounts, plans and reminders on" in output
    # Three zones, each with its own wall clock for the one due instant.
    clocks = re.search(r"due at \S+ \S+ UTC \(([^)]+)\)", output)[1]
    assert [zone.split(" ")[0] for zone in clocks.split(", ")] == [
        "America/New_York",
        "Asia/Tokyo",
        "Europe/London",
    ]
    assert figure(output, "patients due") == 30
    assert figure(output, "messages received") == 30
    assert figure(output, "distinct recipients") == 30
    assert figure(output, "duplicates") == 0
    assert figure(output, "misses") == 0
    assert figure(output, "to anyone else") == 0
    assert re.search(r"scan turn: began \+\d+\.\d s, SUCCESSFUL", output)
    assert "outbox: 30 reminder emails stored" in output
    assert "statuses {'sent': 30}; sent-once records 30" in output
    assert re.search(r"^PASS: ", output, re.MULTILINE)


def test_refuses_without_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "")
    with pytest.raises(CommandError, match="needs DATABASE_URL pointing at PostgreSQL"):
        call_command("reminder_bench", patients=1)
