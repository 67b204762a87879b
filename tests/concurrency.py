"""Run work in several threads at the same moment, for race tests.

Only PostgreSQL (what production runs) can really run two writing
transactions at once; tests using these helpers skip on SQLite, which
serialises them.
"""

import threading
import time
from collections.abc import Callable

from django.db import connection


def start_together(count: int, work: Callable[[int], object]) -> Callable[[], list]:
    """Start ``work(index)`` in ``count`` threads released together.

    Returns a function that waits for the threads and gives their results,
    or the errors they raised, in the order they finished.
    """
    barrier = threading.Barrier(count)
    results: list = []

    def run(index: int):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            results.append(work(index))
        except Exception as error:  # collected for the assertion
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()

    def finish() -> list:
        for thread in threads:
            thread.join(timeout=30)
        return results

    return finish


def at_once(count: int, work: Callable[[int], object]) -> list:
    """Run ``work(index)`` in ``count`` threads released together; return results or errors."""
    return start_together(count, work)()


def wait_until_blocked(count: int, timeout: float = 10) -> None:
    """Wait until ``count`` other connections to this database wait for a lock.

    A test holding a lock calls this before letting go, so that the racers
    are sure to have collided rather than merely been started together.
    """
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            # Inside a transaction PostgreSQL keeps showing the first reading
            # of pg_stat_activity unless told to take a fresh one.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} connections never waited for the lock")
            time.sleep(0.02)
