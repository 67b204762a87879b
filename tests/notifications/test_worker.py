"""Email through the real engine: django-tasks-db's database backend, a real
worker process (``manage.py db_worker``) and a real SMTP server on a loopback
port. Here exactly-once and retry are the point: a refused first try is sent
once on the next, and email that keeps failing ends failed, with its reason,
in the admin. The clock is moved (the row's and the task's times), never
waited for; the test only polls the database while the worker does its part.

One worker polling every 0.1 s serves a whole test: a ``--batch`` worker per
pass would pay Django's start-up (seconds on a busy machine) at every try.

PostgreSQL only, as production runs it; CI runs it there.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinic.notifications.models import OutgoingEmail, Purpose, Status
from clinic.notifications.tasks import MAX_ATTEMPTS, deliver_email
from tests.mail import SmtpSink

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker runs on PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "nell@patients.example"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def sink():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def database_tasks(settings):
    """This process enqueues into the database, where the worker looks."""
    settings.TASKS = DATABASE_TASKS


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


class Worker:
    """A real worker process (``db_worker``, polling every 0.1 s) for one test."""

    def __init__(self, sink: SmtpSink, log: Path) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DEBUG": "1",
            "DATABASE_URL": _database_url(),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
        }
        self.log = log
        self._output = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval=0.1",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._output.close()

    def printed(self) -> str:
        return self.log.read_text()


@pytest.fixture
def worker(sink, database_tasks, tmp_path):
    worker = Worker(sink, tmp_path / "worker.log")
    yield worker
    worker.stop()


def wait_for(condition, what: str, worker: Worker, timeout: float = 60) -> None:
    """Poll the database until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.printed()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{worker.printed()}"
        time.sleep(0.1)


def _all_tasks_finished() -> bool:
    """No task left that is due now or running."""
    return not (DBTaskResult.objects.ready().exists() or DBTaskResult.objects.running().exists())


def _make_due_now() -> None:
    """Skip the wait before the next try: the email and its task are due now."""
    now = timezone.now()
    OutgoingEmail.objects.exclude(status=Status.SENT).update(next_attempt_at=now)
    DBTaskResult.objects.filter(status="READY").update(run_after=now)


def _send_invitation_email() -> OutgoingEmail:
    message = EmailMessage(
        subject="Your mat plan", body="https://x/invitation/tok3n/", to=[ADDRESS]
    )
    message.purpose = Purpose.INVITATION
    with transaction.atomic():
        message.send()
    return OutgoingEmail.objects.get()


def test_a_refused_first_try_is_retried_and_delivered_exactly_once(sink, worker):
    sink.refuse_data = 1
    email = _send_invitation_email()
    # A second task for the same email, as a retry racing a sweep would make.
    deliver_email.enqueue(email.pk)
    wait_for(lambda: DBTaskResult.objects.finished().count() == 2, "the first two tasks", worker)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert email.last_error == "SMTPDataError: 451 4.3.0 Try again later"
    assert email.next_attempt_at > timezone.now()
    assert sink.received == []
    # The retry is a task of its own, waiting for its time.
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after == email.next_attempt_at

    _make_due_now()
    wait_for(lambda: OutgoingEmail.objects.get().status == Status.SENT, "the retry", worker)
    email.refresh_from_db()
    assert (email.attempts, email.text_body) == (2, "")
    (received,) = sink.received
    assert received["To"] == ADDRESS
    assert received["Subject"] == "Your mat plan"
    assert "https://x/invitation/tok3n/" in received.get_content()

    # Once sent, nothing sends it again.
    deliver_email.enqueue(email.pk)
    wait_for(_all_tasks_finished, "the extra task", worker)
    assert len(sink.received) == 1
    # Every task ran to its end: failures were handled, never raised.
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert ADDRESS not in worker.printed()


def test_email_that_keeps_failing_ends_failed_in_the_admin_and_can_be_tried_again(
    sink, worker, staff_client
):
    sink.refuse_all = True
    email = _send_invitation_email()
    for tries in range(1, MAX_ATTEMPTS):
        # Each try is one task, which enqueues the next before it finishes.
        wait_for(
            lambda tries=tries: DBTaskResult.objects.finished().count() == tries,
            f"try {tries}",
            worker,
        )
        assert OutgoingEmail.objects.filter(status=Status.QUEUED, attempts=tries).exists()
        _make_due_now()
    wait_for(lambda: OutgoingEmail.objects.get().status == Status.FAILED, "the last try", worker)
    email.refresh_from_db()
    assert email.attempts == MAX_ATTEMPTS
    assert email.last_error == (
        "SMTPRecipientsRefused: the mail server refused 1 recipient (code 550)"
    )
    assert sink.received == []

    changelist = reverse("admin:notifications_outgoingemail_changelist")
    html = staff_client.get(changelist, {"status__exact": "failed"}).text
    assert "SMTPRecipientsRefused: the mail server refused 1 recipient (code 550)" in html
    assert ADDRESS not in html

    # The server is fixed; staff try again and it goes out once.
    sink.refuse_all = False
    staff_client.post(
        changelist, {"action": "retry_failed", "_selected_action": [email.pk], "index": 0}
    )
    wait_for(lambda: OutgoingEmail.objects.get().status == Status.SENT, "the new try", worker)
    wait_for(_all_tasks_finished, "every task", worker)
    assert [message["To"] for message in sink.received] == [ADDRESS]
    printed = worker.printed()
    assert f"Email {email.pk} (invitation) failed for good after 4 tries" in printed
    assert ADDRESS not in printed
