"""The plugin that fails a run with skipped tests (on PostgreSQL, where CI
must run the PostgreSQL-only tests), tried on small suites of its own."""

import pytest

from tests.no_skips import SkipsFailTheRun

pytest_plugins = ["pytester"]

# The inner runs need neither Django nor a browser.
PLAIN = ("-p", "no:django", "-p", "no:playwright")


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_inner=source)
    return pytester.runpytest(*PLAIN, plugins=[SkipsFailTheRun("on PostgreSQL")])


def test_a_skipped_test_fails_the_run_and_is_named(pytester):
    result = run(
        pytester,
        """
        import pytest

        def test_runs():
            pass

        @pytest.mark.skipif(True, reason="needs PostgreSQL's concurrent transactions")
        def test_races():
            pass
        """,
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*= 1 test skipped on PostgreSQL, where every test must run =*",
            "SKIPPED test_inner.py::test_races: needs PostgreSQL's concurrent transactions",
        ]
    )


def test_a_module_skipped_as_a_whole_fails_the_run(pytester):
    result = run(
        pytester,
        """
        import pytest

        pytest.skip("not here", allow_module_level=True)

        def test_never_collected():
            pass
        """,
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["SKIPPED test_inner.py: not here"])


def test_a_run_without_skips_passes(pytester):
    result = run(
        pytester,
        """
        import pytest

        def test_runs():
            pass

        @pytest.mark.xfail(reason="a known bug", strict=True)
        def test_known_bug():
            assert False
        """,
    )
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, xfailed=1)
    assert "where every test must run" not in result.stdout.str()


def test_a_failing_run_keeps_its_own_exit_status(pytester):
    result = run(pytester, "def test_breaks():\n    assert False\n")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1)
