"""Previews (förhandsvisningar, issue 14): no PDF is rendered inside a web request in production.

A statement before justering, the protokollsutdrag and the protokoll of a paragraph not yet
justified, and kommunstyrelsen's compilation are previews (remiss/previews.py): the request
orders a rendering keyed by the object and the SHA-256 of its print HTML; the worker renders it;
the same address then serves the file. With `make run`'s immediate backend one click still
gives the PDF.

The queue here is the production one (django-tasks-db in the test database), worked by
django-tasks-db's own worker in this process, as in tests/test_faults.py.
"""

import contextlib
import hashlib
import io
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from remiss import pdf, previews, workflow
from remiss.models import Decision, Preview
from tests.test_compilation import add_delivered, write
from tests.worker import work

pytestmark = pytest.mark.django_db(transaction=True)
State = Preview.State


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def queue(settings, media):
    """The database queue, as in production (TASKS_BACKEND=database)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def rendering_tasks():
    return DBTaskResult.objects.filter(task_path="remiss.previews.render_preview")


class Renderings:
    """Counts the PDFs laid out (the real renderer does the work), and can forbid them."""

    def __init__(self, monkeypatch):
        self.count = 0
        self.forbidden = False
        self.failing = False
        real = pdf.render_pdf

        def counted(html: str) -> bytes:
            if self.forbidden:
                raise AssertionError("a PDF was rendered inside the request")
            if self.failing:
                raise OSError("Teckensnittet kunde inte läsas")
            self.count += 1
            return real(html)

        monkeypatch.setattr(pdf, "render_pdf", counted)

    @contextlib.contextmanager
    def none_in_the_request(self):
        self.forbidden = True
        try:
            yield
        finally:
            self.forbidden = False


@pytest.fixture
def renderings(monkeypatch) -> Renderings:
    return Renderings(monkeypatch)


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@dataclass
class Document:
    """One kind of preview: its address, who may read it, someone who may not, and a change
    to what it shows."""

    url: str
    reader: object
    stranger: object
    change: object  # a function of nothing that changes the document's content
    changed_text: str


def statement_document(w: SimpleNamespace) -> Document:
    def change():
        write(w.started, w.handlaggare, sections={"summary": "Ändrad sammanfattning."}, views=[])

    return Document(
        reverse("statement_pdf", args=[w.started.pk]),
        w.handlaggare,
        w.outsider,
        change,
        "Ändrad sammanfattning.",
    )


def decided(w: SimpleNamespace) -> Decision:
    return workflow.record_decision(
        item=w.on_agenda,
        user=w.sekreterare,
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
    )


def changed_decision(decision: Decision):
    def change():  # a correction before justering, in short (the text is what shows)
        Decision.objects.filter(pk=decision.pk).update(text="Bifall med rättelse.")

    return change


def extract_document(w: SimpleNamespace) -> Document:
    decision = decided(w)
    item = decision.item
    return Document(
        reverse("extract_pdf", args=[item.meeting_id, item.number]),
        w.sekreterare,
        w.outsider,
        changed_decision(decision),
        "Bifall med rättelse.",
    )


def minutes_document(w: SimpleNamespace) -> Document:
    decision = decided(w)
    return Document(
        reverse("minutes_pdf", args=[decision.item.meeting_id]),
        w.sekreterare,
        w.outsider,
        changed_decision(decision),
        "Bifall med rättelse.",
    )


def compilation_document(w: SimpleNamespace) -> Document:
    add_delivered(w.remiss, 1, w.handlaggare, prefix="Första")
    return Document(
        reverse("compilation_pdf", args=[w.remiss.pk]),
        w.ks_samordnare,
        w.handlaggare,  # a recipient, not the sender: the compilation is not theirs
        lambda: add_delivered(w.remiss, 1, w.handlaggare, prefix="Andra"),
        "Synpunkt från Andra nämnd",
    )


KINDS = {
    "statement": statement_document,
    "extract": extract_document,
    "minutes": minutes_document,
    "compilation": compilation_document,
}


@pytest.fixture(params=list(KINDS))
def document(request) -> Document:
    names = ["started", "handlaggare", "outsider", "sekreterare", "ks_samordnare", "remiss"]
    if request.param in ("extract", "minutes"):
        names.append("on_agenda")
    world = SimpleNamespace(**{name: request.getfixturevalue(name) for name in names})
    if request.param in ("extract", "minutes"):
        world.started = world.on_agenda.statement
    return KINDS[request.param](world)


# --- With the worker (production) ---------------------------------------------------------------


def test_the_request_orders_the_pdf_and_the_worker_renders_it(queue, renderings, client, document):
    client.force_login(document.reader)

    with renderings.none_in_the_request():
        response = client.get(document.url)

    assert response.status_code == 202
    page = response.content.decode()
    assert "PDF:en förbereds" in page
    # Without scripts the page reloads itself; with them, portal.js asks quietly (a HEAD).
    assert f'<noscript><meta http-equiv="refresh" content="3; url={document.url}">' in page
    assert f'data-preview-wait="{document.url}" data-preview-state="pending"' in page
    assert response["X-Preview-State"] == "pending"
    preview = Preview.objects.get()
    # It says what is being made, in Swedish: "Tjänsteutlåtandet görs om till PDF."
    assert f"{preview.definite.capitalize()} görs om till PDF." in page
    assert preview.state == State.PENDING and not preview.file
    assert rendering_tasks().filter(status="READY").count() == 1

    work()

    with renderings.none_in_the_request():
        response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert renderings.count == 1
    preview.refresh_from_db()
    assert preview.state == State.READY and preview.html == ""
    assert preview.size == len(response.content)


def test_an_unchanged_document_is_rendered_once_and_a_changed_one_again(
    queue, renderings, client, document
):
    client.force_login(document.reader)
    client.get(document.url)
    work()
    first = client.get(document.url).content

    with renderings.none_in_the_request():
        again = client.get(document.url)

    assert again.content == first
    assert renderings.count == 1
    assert Preview.objects.count() == 1
    assert rendering_tasks().count() == 1  # nothing ordered a second time

    document.change()
    with renderings.none_in_the_request():
        response = client.get(document.url)
    assert response.status_code == 202  # the new content is not the old file
    work()
    changed = client.get(document.url)

    assert changed.status_code == 200
    assert document.changed_text in text_of(changed.content)
    assert document.changed_text not in text_of(first)
    assert renderings.count == 2
    assert Preview.objects.count() == 2


def test_someone_else_s_document_answers_404_and_orders_nothing(queue, client, document):
    client.force_login(document.stranger)

    assert client.get(document.url).status_code == 404
    assert client.post(document.url).status_code == 404
    assert not Preview.objects.exists()
    assert not rendering_tasks().exists()


def test_a_draft_statement_preview_is_marked_utkast(queue, client, started, handlaggare):
    client.force_login(handlaggare)
    url = reverse("statement_pdf", args=[started.pk])
    client.get(url)
    work()

    assert "UTKAST" in text_of(client.get(url).content)


def test_a_failed_rendering_says_so_and_can_be_tried_again(
    queue, renderings, client, started, handlaggare
):
    client.force_login(handlaggare)
    url = reverse("statement_pdf", args=[started.pk])
    client.get(url)
    renderings.failing = True
    work()  # the attempt fails; the worker records it and goes on

    response = client.get(url)

    assert response.status_code == 202
    page = response.content.decode()
    assert "PDF:en kunde inte skapas" in page
    assert "Ett nytt försök görs automatiskt" in page
    assert f'<form method="post" action="{url}">' in page and "Försök igen" in page
    preview = Preview.objects.get()
    assert f"Det gick inte att göra om {preview.definite} till PDF (1 försök)." in page
    assert preview.state == State.FAILED and "Teckensnittet" in preview.error

    renderings.failing = False
    response = client.post(url)

    assert response.status_code == 302 and response["Location"] == url
    preview.refresh_from_db()
    assert preview.state == State.PENDING and preview.attempts == 0
    work()
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_old_renderings_are_deleted_with_their_files(
    queue, monkeypatch, client, started, handlaggare
):
    def stand_in(html: str) -> bytes:  # what is kept is the point here, not the layout
        return b"%PDF-1.7\n% " + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(pdf, "render_pdf", stand_in)
    client.force_login(handlaggare)
    url = reverse("statement_pdf", args=[started.pk])
    files = []
    statement = started
    for number in range(previews.PREVIEWS_KEPT + 2):
        statement = write(
            statement, handlaggare, sections={"summary": f"Version {number}."}, views=[]
        )
        client.get(url)
        work()
        assert client.get(url).status_code == 200
        files.append(Preview.objects.order_by("-created_at", "-pk").first().file.name)

    kept = Preview.objects.order_by("-created_at", "-pk")
    assert [p.file.name for p in kept] == files[::-1][: previews.PREVIEWS_KEPT]
    storage = kept[0].file.storage
    assert [storage.exists(name) for name in files] == [False, False, True, True, True]


# --- With `make run` (the immediate backend) ----------------------------------------------------


def test_with_the_immediate_backend_one_click_gives_the_pdf(
    run_tasks, media, renderings, client, document
):
    client.force_login(document.reader)

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert renderings.count == 1
    assert client.get(document.url).content == response.content
    assert renderings.count == 1


def test_with_the_immediate_backend_a_failed_rendering_is_no_server_error(
    run_tasks, media, renderings, client, started, handlaggare
):
    client.force_login(handlaggare)
    url = reverse("statement_pdf", args=[started.pk])
    renderings.failing = True

    response = client.get(url)

    assert response.status_code == 202
    assert "PDF:en kunde inte skapas" in response.content.decode()

    renderings.failing = False
    response = client.post(url, follow=True)

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_a_rendering_whose_file_is_gone_is_made_anew_not_a_server_error(
    run_tasks, media, renderings, client, started, handlaggare, caplog
):
    client.force_login(handlaggare)
    url = reverse("statement_pdf", args=[started.pk])
    first = client.get(url)
    lost = Preview.objects.get()
    lost.file.storage.delete(lost.file.name)

    response = client.get(url)

    assert first.status_code == 200
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert renderings.count == 2
    assert not Preview.objects.filter(pk=lost.pk).exists()
    assert Preview.objects.get().state == State.READY
    assert f"Förhandsvisning {lost.pk} saknas i lagringen" in caplog.text


def test_issuing_the_kallelse_lays_out_nothing_in_the_request_and_a_failure_is_tried_again(
    queue, renderings, client, on_agenda, sekreterare
):
    """Skicka kallelsen: the request stores the document and orders its PDF; the worker lays it
    out (issue 14). Until then its address says it is being prepared; a failed rendering says
    so, is tried again on request, and the PDF then kept is the one served."""
    from remiss.models import AgendaIssue

    meeting = on_agenda.meeting
    client.force_login(sekreterare)
    with renderings.none_in_the_request():
        issued = client.post(reverse("agenda_issue", args=[meeting.pk]))
    assert issued.status_code == 302
    issue = AgendaIssue.objects.get(meeting=meeting)
    assert issue.state == State.PENDING and not issue.file and "Föredragningslista" in issue.html
    assert DBTaskResult.objects.filter(task_path="remiss.minutes.render_agenda").count() == 1
    url = reverse("agenda_pdf", args=[meeting.pk, 1])
    with renderings.none_in_the_request():
        waiting = client.get(url)
    assert waiting.status_code == 202 and "PDF:en förbereds" in waiting.content.decode()
    meeting_page = client.get(reverse("meeting", args=[meeting.pk])).content.decode()
    assert "Kallelse (PDF)</a>" in meeting_page and "(PDF:en förbereds)" in meeting_page

    renderings.failing = True
    work()  # the attempt fails; the worker records it and goes on
    page = client.get(url).content.decode()
    assert "PDF:en kunde inte skapas" in page
    assert "Det gick inte att göra om kallelsen till PDF (1 försök)." in page
    assert f'<form method="post" action="{url}">' in page

    renderings.failing = False
    again = client.post(url)
    assert again.status_code == 302 and again["Location"] == url
    work()
    answer = client.get(url)
    assert answer.status_code == 200
    content = b"".join(answer.streaming_content)
    assert content.startswith(b"%PDF-") and "Kallelse" in text_of(content)
    issue.refresh_from_db()
    assert issue.state == State.READY and issue.html == "" and renderings.count == 1
