"""clinic.plans.screening.record_screening in parallel: safety answers sent
together (two tabs, a resend, the patient online while the practitioner
records answers in clinic) are judged one after the other: each screening
against the one before it, so a "yes" that rules the mat out and a "no" sent
beside it never start the plan between them.

Only PostgreSQL (what production runs) can really run two writing
transactions at once; SQLite serialises them, so these tests skip there.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections

from clinic.plans import gate
from clinic.plans import screening as screening_service
from clinic.plans.models import PlanStatus, Screening
from clinic.plans.screening import record_screening
from mats.services import published_contraindications
from tests.factories import make_plan

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

WAIT = 10  # seconds: a thread that waits longer than this has hung


def answers(*yes: str) -> dict[str, bool]:
    return {entry.code: entry.code in yes for entry in published_contraindications()}


def in_threads(works: dict[str, callable]) -> dict:
    """Run each ``work`` in a thread of its name; return results or errors by name."""
    results: dict = {}

    def run(name, work):
        try:
            results[name] = work()
        except Exception as error:  # collected for the assertion
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(name, work), name=name) for name, work in works.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * WAIT)
    return results


def waiting_for_a_lock() -> int:
    """How many other transactions of this database wait for a row lock now."""
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing its first look at the
        # activity table unless told to look again.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def replay(patient) -> tuple[str, int]:
    """Replay the screenings in the order the site reads them, checking that
    each one's taken-back answers are exactly what the one before it implies,
    and return the status the plan (waiting at first) should end in and how
    often it should have started."""
    entries = published_contraindications()
    status, starts, before = PlanStatus.WAITING, 0, None
    for screening in patient.screenings.prefetch_related("answers").order_by("taken_at", "pk"):
        marked = {answer.code for answer in screening.answers.all() if answer.withdraws_yes}
        expected = set()
        if screening.source == Screening.Source.PATIENT:
            expected = gate.withdrawn_answers(
                before.answer_map() if before else None,
                before.unconfirmed_withdrawals() if before else (),
                screening.answer_map(),
                entries,
            )
        assert marked == expected, f"screening {screening.pk} judged against the wrong one"
        outcome = gate.check(screening.answer_map(), entries, (), marked)
        if status == PlanStatus.WAITING and outcome.may_start:
            status, starts = PlanStatus.ACTIVE, starts + 1
        elif status == PlanStatus.ACTIVE and not outcome.may_start:
            status = PlanStatus.PAUSED
        before = screening
    return status, starts


def test_a_no_sent_while_a_yes_is_being_saved_waits_for_it(pat, safety, routine):
    """The yes is written first; the no arrives before it is committed. Had
    the no been judged without it, the plan would start on a clean-looking
    screening while the yes, older by a moment, was never taken back."""
    plan = make_plan(pat, routine)
    yes_written, no_done = threading.Event(), threading.Event()
    original = screening_service.activate_waiting_plans

    def slow_for_the_yes(patient, **kwargs):
        # Called by record_screening once its screening is written.
        if threading.current_thread().name == "yes":
            yes_written.set()
            deadline = time.monotonic() + WAIT
            # Hold on until the no has either finished or queued behind us.
            while not no_done.is_set() and not waiting_for_a_lock():
                assert time.monotonic() < deadline, "the no neither finished nor waited"
                time.sleep(0.01)
        return original(patient, **kwargs)

    def send_the_no():
        assert yes_written.wait(WAIT)
        try:
            return record_screening(pat, answers(), source="patient", recorded_by=pat.user)
        finally:
            no_done.set()

    with mock.patch.object(screening_service, "activate_waiting_plans", slow_for_the_yes):
        results = in_threads(
            {
                "yes": lambda: record_screening(
                    pat, answers("open-wounds"), source="patient", recorded_by=pat.user
                ),
                "no": send_the_no,
            }
        )
    assert not any(isinstance(result, Exception) for result in results.values()), results
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING
    assert plan.sessions.count() == 0
    latest = pat.screenings.first()
    assert latest.answer_map()["open-wounds"] is False
    assert latest.unconfirmed_withdrawals() == ("open-wounds",)
    assert replay(pat) == (PlanStatus.WAITING, 0)


def test_many_answers_at_once_are_judged_one_after_the_other(pat, safety, routine):
    plan = make_plan(pat, routine)
    barrier = threading.Barrier(6)

    def send(*yes):
        def work():
            barrier.wait(timeout=WAIT)
            return record_screening(pat, answers(*yes), source="patient", recorded_by=pat.user)

        return work

    works = {f"yes-{n}": send("open-wounds") for n in range(3)}
    works.update({f"no-{n}": send() for n in range(3)})
    results = in_threads(works)
    assert not any(isinstance(result, Exception) for result in results.values()), results
    assert pat.screenings.count() == 6
    status, starts = replay(pat)
    plan.refresh_from_db()
    assert plan.status == status
    assert sum(1 for _, started in results.values() if started is not None) == starts
    # Whatever the order, the plan is never running at the end: the latest
    # answer is a yes, or a no taking one back that no one has confirmed.
    assert plan.status != PlanStatus.ACTIVE
