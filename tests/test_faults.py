"""Fault injection: the mail server fails, the renderer fails, the worker dies mid-render, the
database refuses a write. After each, nothing accepted is lost, and once the fault is gone
every document ends "done" and every mail is sent.

The queue here is the production one (django-tasks-db in the test database), worked by
django-tasks-db's own worker in this process. Time passing (for backoff and for a stale claim)
is simulated by moving the queue's and the jobs' timestamps back.
"""

import datetime
import io
import socket

import pytest
import weasyprint.document
from django.core import mail
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from remiss import documents, notifications, tasks, workflow
from remiss.models import (
    Decision,
    OutgoingMail,
    Recipient,
    Statement,
    StatusEvent,
    StoredDocument,
)
from tests.justifying import justify_at_once, post_paragraph_signature, sign_paragraph
from tests.worker import work

pytestmark = pytest.mark.django_db(transaction=True)
State = StoredDocument.State


@pytest.fixture
def queue(settings, tmp_path):
    """The database queue, as in production (TASKS_BACKEND=database)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path


def time_passes(hours: float = 2) -> None:
    """Everything in the queue and every job was ordered, claimed and deferred `hours` ago."""
    shift = datetime.timedelta(hours=hours)
    for task in DBTaskResult.objects.all():
        task.run_after = min(task.run_after, timezone.now() + shift) - shift
        task.save(update_fields=["run_after"])
    for model in (StoredDocument, OutgoingMail):
        for job in model.objects.all():
            for name in ("created_at", "claimed_at", "next_attempt_at"):
                if getattr(job, name) is not None:
                    setattr(job, name, getattr(job, name) - shift)
            job.save(update_fields=["created_at", "claimed_at", "next_attempt_at"])


def justify(on_agenda, sekreterare) -> Decision:
    return justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )


def states() -> dict[str, str]:
    return dict(StoredDocument.objects.values_list("kind", "state"))


def assert_the_decision_stands(decision: Decision) -> None:
    statement = Statement.objects.get(pk=decision.item.statement_id)
    assert statement.status == Statement.Status.DELIVERED
    assert Recipient.objects.get(pk=statement.recipient_id).status == Recipient.Status.DELIVERED
    delivered = StatusEvent.objects.filter(
        recipient_id=statement.recipient_id, action=StatusEvent.Action.DELIVERED
    )
    assert delivered.count() == 1  # one delivery, whatever was retried


def assert_everything_done() -> None:
    assert states() == {"extract": "ready", "statement": "ready", "reply": "ready"}
    for document in StoredDocument.objects.all():
        assert document.sha256 and document.size and document.file
        assert documents.open_verified(document).read(5) == b"%PDF-"
    assert set(OutgoingMail.objects.values_list("state", flat=True)) == {"ready"}
    assert len(mail.outbox) == OutgoingMail.objects.count() > 0


def test_the_decision_orders_its_documents_and_mail_in_its_own_transaction(
    queue, on_agenda, sekreterare
):
    decision = justify(on_agenda, sekreterare)

    # Committed with the decision: one task per document and per mail; nothing done yet.
    assert states() == {"extract": "pending", "statement": "pending", "reply": "pending"}
    assert mail.outbox == []
    jobs = StoredDocument.objects.count() + OutgoingMail.objects.count()
    assert DBTaskResult.objects.filter(status="READY").count() == jobs

    work()

    assert_the_decision_stands(decision)
    assert_everything_done()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is: nothing listens


def test_a_mail_server_that_is_down_delays_the_mail_and_nothing_else(
    queue, settings, on_agenda, sekreterare, caplog
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }

    decision = justify(on_agenda, sekreterare)
    work()

    assert_the_decision_stands(decision)
    assert set(states().values()) == {"ready"}
    failed = OutgoingMail.objects.all()
    assert failed and {m.state for m in failed} == {"failed"}
    for message in failed:
        assert message.attempts == 1
        assert "ConnectionRefusedError" in message.error
        assert message.next_attempt_at > timezone.now()
    assert "försök 1 misslyckades" in caplog.text

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    work()
    assert set(OutgoingMail.objects.values_list("state", flat=True)) == {"failed"}  # not yet due
    time_passes()
    work()

    assert_everything_done()
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {2}


class RendererDown(Exception):
    pass


def test_a_renderer_that_fails_fails_one_document_and_retries_it(
    queue, monkeypatch, on_agenda, sekreterare
):
    real = weasyprint.document.Document.write_pdf

    def statement_fails(self, *args, **kwargs):
        if self.metadata.title.startswith("Tjänsteutlåtande"):
            raise RendererDown("Renderaren svarar inte")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", statement_fails)
    decision = justify(on_agenda, sekreterare)
    work()

    assert_the_decision_stands(decision)
    assert states() == {"extract": "ready", "statement": "failed", "reply": "ready"}
    statement = StoredDocument.objects.get(kind="statement")
    assert statement.error == "RendererDown: Renderaren svarar inte"
    assert statement.attempts == 1 and not statement.gave_up
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1  # the queue knows too

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", real)
    time_passes()
    work()

    assert_everything_done()


def test_a_renderer_that_keeps_failing_gives_up_and_requeue_failed_brings_it_back(
    queue, monkeypatch, on_agenda, sekreterare, client, handlaggare
):
    from django.core.management import call_command

    real = weasyprint.document.Document.write_pdf
    monkeypatch.setattr(
        weasyprint.document.Document,
        "write_pdf",
        lambda self, *a, **k: (_ for _ in ()).throw(RendererDown("Renderaren svarar inte")),
    )
    justify(on_agenda, sekreterare)
    for _ in range(tasks.MAX_ATTEMPTS):
        work()
        time_passes(hours=3)
    work()

    document = StoredDocument.objects.get(kind="statement")
    assert document.attempts == tasks.MAX_ATTEMPTS and document.gave_up
    client.force_login(handlaggare)
    page = client.get(f"/utlatanden/{on_agenda.statement_id}/").content.decode()
    assert "kunde inte skapas (8 försök; senaste fel: RendererDown" in page
    assert "Inga fler automatiska försök" in page

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", real)
    call_command("requeue_failed", stdout=io.StringIO())
    work()

    assert_everything_done()


class WorkerKilled(BaseException):
    """What the process sees of a SIGKILL: nothing after this line runs."""


def test_a_worker_that_dies_mid_render_leaves_a_claim_that_is_taken_back(
    queue, monkeypatch, on_agenda, sekreterare
):
    real = weasyprint.document.Document.write_pdf

    def killed(self, *args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", killed)
    decision = justify(on_agenda, sekreterare)
    work()

    assert set(states().values()) == {"running"}  # claimed by a worker that is gone
    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", real)
    work()
    assert documents.recover() == 0  # not stale yet: the worker may still be at it
    assert set(states().values()) == {"running"}

    time_passes(hours=1)
    assert documents.recover() == 3
    work()

    assert_the_decision_stands(decision)
    assert_everything_done()
    assert set(StoredDocument.objects.values_list("attempts", flat=True)) == {2}


def refuse(sql_start: str, table: str, value=None):
    """A database that refuses writes of this kind to this table (with this value among the
    parameters, if given)."""

    def wrapper(execute, sql, params, many, context):
        if (
            sql.lstrip().upper().startswith(sql_start)
            and f'"{table}"' in sql
            and (value is None or value in (params or ()))
        ):
            raise OperationalError("the database refused the write")
        return execute(sql, params, many, context)

    return wrapper


def test_a_database_that_refuses_the_decision_leaves_no_document_and_no_mail(
    queue, on_agenda, sekreterare
):
    mail_before, tasks_before = OutgoingMail.objects.count(), DBTaskResult.objects.count()
    with (
        connection.execute_wrapper(refuse("INSERT", "remiss_statusevent")),
        pytest.raises(OperationalError),
    ):
        justify(on_agenda, sekreterare)

    assert Decision.objects.count() == 0
    assert Statement.objects.get().status == Statement.Status.ON_AGENDA
    assert StoredDocument.objects.count() == 0
    assert OutgoingMail.objects.count() == mail_before
    assert DBTaskResult.objects.count() == tasks_before

    decision = justify(on_agenda, sekreterare)  # the secretary tries again
    work()

    assert_the_decision_stands(decision)
    assert_everything_done()


def test_a_database_that_refuses_the_worker_s_last_write_loses_nothing(
    queue, on_agenda, sekreterare
):
    decision = justify(on_agenda, sekreterare)

    with connection.execute_wrapper(refuse("UPDATE", "remiss_storeddocument", "ready")):
        work()

    assert set(states().values()) == {"running"}  # rendered and stored, but not recorded
    time_passes(hours=1)
    documents.recover()
    work()

    assert_the_decision_stands(decision)
    assert_everything_done()


def test_a_title_with_a_line_separator_and_a_carriage_return_makes_a_clean_subject(
    queue, on_agenda, sekreterare
):
    """The Why case: the reply was marked delivered and its documents stayed pending for good."""
    remiss = on_agenda.statement.recipient.remiss
    remiss.title = "Stockholms stads\u2028säkerhetsprogram\r2020–2023"
    remiss.save()

    decision = justify(on_agenda, sekreterare)
    work()

    assert_the_decision_stands(decision)
    assert_everything_done()
    subjects = [message.subject for message in mail.outbox]
    assert "Remissvaret är skickat: Stockholms stads säkerhetsprogram 2020–2023" in subjects
    for message in mail.outbox:
        message.message()  # a valid message: no header with a line break
        assert not {"\r", "\n", "\u2028"} & set(message.subject)


def test_a_fake_pdf_attachment_takes_no_document_down(queue, agenda_with, sekreterare):
    """The Why case: a file with only `%PDF-` and `%%EOF` failed the reply, and with it the
    extract and the statement. Now each is its own job, and the reply carries the file as
    it was uploaded (the upload check refuses such a file too; this is the second wall)."""
    fake = b"%PDF-1.7\nnot a pdf at all\n%%EOF\n"
    on_agenda = agenda_with([("Bilaga.pdf", "application/pdf", fake)])

    decision = justify(on_agenda, sekreterare)
    work()

    assert_the_decision_stands(decision)
    assert_everything_done()
    reply = StoredDocument.objects.get(kind="reply")
    with reply.file.open("rb") as handle:
        assert dict(PdfReader(handle).attachments) == {"Bilaga 1 Bilaga.pdf": [fake]}


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    """A valid PDF of 20,000 blank pages (2.5 MB)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(20_000):
        writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_eight_long_pdfs_are_not_rendered_in_the_justifying_request(
    queue, client, agenda_with, sekreterare, ordforande, justerare, long_pdf
):
    """The Why case: eight 20,000-page PDFs ran the justifying request past the worker
    timeout. The request now only orders the work; the worker embeds the files, whatever
    their page count, without opening them."""
    on_agenda = agenda_with(
        [(f"Bilaga {number}.pdf", "application/pdf", long_pdf) for number in range(1, 9)]
    )
    client.force_login(sekreterare)
    meeting = on_agenda.meeting
    formsets = {
        f"{prefix}-{key}": value
        for prefix in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
        for key, value in [("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0)]
    }

    response = client.post(
        reverse("decision_record", args=[meeting.pk, on_agenda.number]),
        {"outcome": "adopted", "text": "Bifall.", "immediate": "on", **formsets},
    )
    assert response.status_code == 302
    sign_paragraph(Decision.objects.get(), ordforande)

    # The last justerare's request justifies the paragraph and delivers the reply.
    response = post_paragraph_signature(client, justerare, Decision.objects.get())

    assert response.status_code == 302
    assert Statement.objects.get().status == Statement.Status.DELIVERED
    assert set(states().values()) == {"pending"}  # nothing rendered in the request

    work()

    assert_everything_done()
    reply = StoredDocument.objects.get(kind="reply")
    with reply.file.open("rb") as handle:
        reader = PdfReader(handle)
        assert len(reader.pages) < 20
        assert [files[0] == long_pdf for files in reader.attachments.values()] == [True] * 8


def test_mail_for_people_without_an_address_is_not_ordered(queue, on_agenda, sekreterare):
    statement = on_agenda.statement
    statement.case_officer.email = ""
    statement.case_officer.save()
    before = OutgoingMail.objects.count()

    mailing = notifications.decided(statement, None)

    assert mailing.mailed == []
    assert mailing.without_address == ["Eva-Lena Eirefelt"]
    assert OutgoingMail.objects.count() == before


def test_with_make_run_s_immediate_backend_a_u2028_title_is_no_server_error(
    run_tasks, settings, tmp_path, client, on_agenda, sekreterare, ordforande, justerare
):
    """The Why case as a user met it: a 500 after the commit, and the documents never made."""
    settings.MEDIA_ROOT = tmp_path
    remiss = on_agenda.statement.recipient.remiss
    remiss.title = "Stockholms stads\u2028säkerhetsprogram\r2020–2023"
    remiss.save()
    client.force_login(sekreterare)
    formsets = {
        f"{prefix}-{key}": value
        for prefix in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
        for key, value in [("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0)]
    }

    response = client.post(
        reverse("decision_record", args=[on_agenda.meeting.pk, on_agenda.number]),
        {"outcome": "adopted", "text": "Bifall.", "immediate": "on", **formsets},
    )
    assert response.status_code == 302
    sign_paragraph(Decision.objects.get(), ordforande)

    response = post_paragraph_signature(client, justerare, Decision.objects.get())

    assert response.status_code == 302
    assert_the_decision_stands(Decision.objects.get())
    assert_everything_done()
    assert "Remissvaret är skickat: Stockholms stads säkerhetsprogram 2020–2023" in [
        message.subject for message in mail.outbox
    ]


def test_the_admin_shows_a_failed_document_and_puts_it_back_on_the_queue(
    queue, monkeypatch, client, admin_user, on_agenda, sekreterare
):
    real = weasyprint.document.Document.write_pdf

    def extract_fails(self, *args, **kwargs):
        if self.metadata.title.startswith("Protokollsutdrag"):
            raise RendererDown("Renderaren svarar inte")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", extract_fails)
    justify(on_agenda, sekreterare)
    work()
    failed = StoredDocument.objects.get(kind="extract")
    client.force_login(admin_user)
    url = reverse("admin:remiss_storeddocument_changelist")

    listing = client.get(url).content.decode()

    assert "Misslyckades" in listing and "RendererDown: Renderaren svarar inte" in listing
    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", real)
    client.post(url, {"action": "retry_now", "_selected_action": [failed.pk]})
    work()  # at once: no waiting for the backoff
    assert_everything_done()
