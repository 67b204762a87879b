"""accounts.prepared: a query compiled once runs the statement the ORM would
compile for the same values, and gives the same rows, for anyone."""

import threading

import pytest
from django.db import connection, connections

from accounts.clock import patient_today
from accounts.models import Patient
from accounts.prepared import PATIENT_MARKER, PreparedQuery, first_row
from clinic.plans.queries import _LATEST_SCREENING, _latest_screening_rows, latest_screening
from clinic.usage.pages import (
    _CURRENT_PLAN,
    _TODAY_AND_NEXT,
    _TODAY_ONLY,
    _current_plan_row,
    _today_and_next_rows,
)
from clinic.usage.services import check_off
from mats.services import (
    _CURRENT_VERSION_READ_BY,
    _current_version_read_by,
    acknowledge_safety_version,
)
from tests.factories import make_plan, screen


def _statement(prepared: PreparedQuery, **values) -> tuple[str, list]:
    """The SQL and parameters ``prepared`` runs for ``values``."""
    prepared.rows(**values)
    compiled = prepared._compiled[connection.alias]
    params = list(compiled.params)
    for position, name, prepare in compiled.slots:
        params[position] = prepare(values[name])
    return compiled.sql, params


def _orm(queryset) -> tuple[str, list]:
    sql, params = queryset.query.get_compiler(using=connection.alias).as_sql()
    return sql, list(params)


@pytest.fixture
def cared_for(pat, safety, routine, alice):
    acknowledge_safety_version(pat, safety)
    screen(pat)
    plan = make_plan(pat, routine)
    return pat, plan


def test_each_of_todays_queries_is_the_orms_statement_for_the_same_values(cared_for):
    pat, plan = cared_for
    today = patient_today(pat)
    cases = [
        (_LATEST_SCREENING, _latest_screening_rows, {"patient_id": pat.pk}),
        (_CURRENT_VERSION_READ_BY, _current_version_read_by, {"patient_id": pat.pk}),
        (_CURRENT_PLAN, _current_plan_row, {"patient_id": pat.pk}),
        (_TODAY_ONLY, _today_and_next_rows, {"patient_id": pat.pk, "today": today}),
        (
            _TODAY_AND_NEXT,
            _today_and_next_rows,
            {"patient_id": pat.pk, "today": today, "plan_id": plan.pk},
        ),
    ]
    for prepared, build, values in cases:
        assert _statement(prepared, **values) == _orm(build(**values))


def test_rows_are_the_orms_rows_with_their_related_rows_and_annotations(cared_for, quinn):
    pat, plan = cared_for
    today = patient_today(pat)
    session = plan.sessions.get(date=today)
    check_off(session, minutes_done=7)
    values = {"patient_id": pat.pk, "today": today, "plan_id": plan.pk}
    ours = _TODAY_AND_NEXT.rows(**values)
    theirs = list(_today_and_next_rows(**values))
    assert [row.pk for row in ours] == [row.pk for row in theirs]
    assert len(ours) == 4
    assert ours[0].log.minutes_done == 7
    assert ours[0].plan == plan
    assert ours[0].position_row == theirs[0].position_row
    assert ours[0].position_row["name"] == session.position
    assert [row.offer_answered for row in ours] == [row.offer_answered for row in theirs]
    # Another patient, the same statement: their rows only.
    assert _TODAY_AND_NEXT.rows(patient_id=quinn.pk, today=today, plan_id=plan.pk) == []
    (current,) = _CURRENT_PLAN.rows(patient_id=pat.pk)
    assert current == plan
    assert current.cleared_codes_joined is None
    assert _CURRENT_PLAN.rows(patient_id=quinn.pk) == []


def test_latest_screening_comes_with_its_answers(cared_for, quinn):
    pat, _ = cared_for
    screening = latest_screening(pat)
    assert screening.patient_id == pat.pk
    assert screening.answer_map() == {a.code: a.answer for a in screening.answers.all()}
    assert screening.answers.all()
    assert latest_screening(quinn) is None


def test_whether_the_current_version_was_read_is_the_patients_own(cared_for, quinn, safety):
    pat, _ = cared_for
    (version,) = _CURRENT_VERSION_READ_BY.rows(patient_id=pat.pk)
    assert (version, version.acknowledged) == (safety, True)
    (version,) = _CURRENT_VERSION_READ_BY.rows(patient_id=quinn.pk)
    assert (version, version.acknowledged) == (safety, False)


def test_a_marker_missing_from_the_statement_is_refused(db):
    unused = PreparedQuery(
        lambda patient_id: first_row(Patient.objects.all()), patient_id=PATIENT_MARKER
    )
    with pytest.raises(ValueError, match="patient_id"):
        unused.rows(patient_id=1)


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection(clinic_a, alice):
    patient = Patient.objects.create(
        clinic=clinic_a, primary_practitioner=alice, full_name="Thread Test", email="t@example.com"
    )
    prepared = PreparedQuery(
        lambda patient_id: first_row(Patient.objects.filter(pk=patient_id)),
        patient_id=PATIENT_MARKER,
    )
    assert prepared.rows(patient_id=patient.pk) == [patient]
    found, used = [], []

    def in_a_thread():
        found.extend(prepared.rows(patient_id=patient.pk))
        used.append(connections["default"])
        connections.close_all()

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert found == [patient]
    assert used[0] is not connection
