"""The sign-in attack benchmark (`make attack-bench`, clinic/operations), run
small: gunicorn with one worker, two attackers for two seconds. Timings are
printed, never asserted; this checks that the run happens end to end and
prints its figure lines. Most of its time is the scratch database's set-up."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clinic.operations.management.commands.sign_in_attack_bench import percentile

TIMINGS = r"p50 \d+ ms, p95 \d+ ms, max \d+ ms \((\d+) requests\)"


def test_a_tiny_run_prints_every_figure():
    out = StringIO()
    call_command(
        "sign_in_attack_bench",
        seconds=2,
        baseline_seconds=1,
        attackers=2,
        workers=1,
        stdout=out,
    )
    output = out.getvalue()
    assert re.search(r"^site: gunicorn with 1 worker on (SQLite|PostgreSQL)", output, re.M)
    alone = re.search(rf"^Today, no attack: {TIMINGS}$", output, re.M)
    attacked = re.search(rf"^Today, 2 attacking: {TIMINGS}$", output, re.M)
    assert int(alone[1]) > 0
    assert int(attacked[1]) > 0
    attackers = re.search(
        r"^attackers: 2 \(one each\), (\d+) attempts in 2 s, [\d.]+ a second$", output, re.M
    )
    assert int(attackers[1]) > 0
    # One worker serves one request at a time, so each attempt gets its password checked.
    assert re.search(r"^answers: .*wrong password \d+", output, re.M)
    assert re.search(
        r"^target: Today p95 under 100 ms while attacked: (met|NOT met)$", output, re.M
    )


def test_refuses_a_run_with_no_attackers():
    with pytest.raises(CommandError, match="at least one attacker"):
        call_command("sign_in_attack_bench", attackers=0)


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7
