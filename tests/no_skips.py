"""A pytest plugin that makes any skipped test fail the run.

Some tests can only run on PostgreSQL (two writing transactions at once) and
skip on SQLite. On PostgreSQL, where CI runs them, a skip means a guarantee
went untested, so ``tests/conftest.py`` registers this plugin there: the run
ends with exit status 1 and names every skipped test.
"""

import pytest


class SkipsFailTheRun:
    def __init__(self, where: str):
        self.where = where
        self.skipped: list[tuple[str, str]] = []  # (test, why)

    def _note(self, report: pytest.CollectReport | pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            # A skip's longrepr is (file, line, "Skipped: why").
            longrepr = report.longrepr
            why = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            why = why.removeprefix("Skipped: ")
            self.skipped.append((report.nodeid, why))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._note(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self._note(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Any other status already fails the run and says why.
        quiet = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.skipped and session.exitstatus in quiet:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.skipped:
            return
        count = len(self.skipped)
        terminalreporter.write_sep(
            "=",
            f"{count} test{'s' if count != 1 else ''} skipped {self.where}, "
            "where every test must run",
            red=True,
            bold=True,
        )
        for nodeid, why in self.skipped:
            terminalreporter.write_line(f"SKIPPED {nodeid}: {why}")
