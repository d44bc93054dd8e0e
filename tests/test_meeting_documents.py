"""The kallelse and the whole protokoll as PDF/A, checked like the statement (tests/test_pdf.py):
fonts embedded, PDF/A-2a identification, text in order, "Sida k (n)" on every page."""

import hashlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from remiss import minutes, workflow
from remiss.models import AgendaIssue, Meeting, MeetingEvent
from tests.test_pdf import (
    PDFAID,
    Page,
    assert_in_order,
    embedded_fonts,
    read_pages,
    xmp_properties,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_meeting(seeded) -> Meeting:
    return Meeting.objects.get()


def user(username):
    return get_user_model().objects.get(username=username)


def check_pdfa(data: bytes, tmp_path) -> None:
    reader = PdfReader(io.BytesIO(data))
    fonts = embedded_fonts(reader)
    assert fonts
    for base_font, family, embedded in fonts:
        assert embedded, base_font
        assert family.startswith("Source Sans 3"), (base_font, family)
    xmp = xmp_properties(reader)
    assert xmp[f"{PDFAID}part"] == ["2"] and xmp[f"{PDFAID}conformance"] == ["A"]
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    qpdf = shutil.which("qpdf")
    if qpdf:
        path = tmp_path / "check.pdf"
        path.write_bytes(data)
        result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, check=False)
        assert result.returncode == 0, result.stdout


def numbered(pages: list[Page]) -> None:
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} ({len(pages)})" in page.furniture, number
        assert "Sida" not in page.body


def test_the_whole_protokoll_of_the_seed_meeting(seed_meeting, tmp_path):
    data = minutes.minutes_pdf(seed_meeting)

    check_pdfa(data, tmp_path)
    pages = read_pages(data)
    numbered(pages)
    assert "Protokoll" in pages[0].furniture and "§§ 1–2" in pages[0].furniture
    body = "\n".join(page.body for page in pages)
    assert_in_order(
        body,
        [
            "Protokoll från sammanträde med Södermalms stadsdelsnämnd",
            "Tid",
            "kl. 18:00",
            "Plats",
            "Götgatan 124",
            "Närvarande",
            "Tjänstgörande ledamöter och ersättare",
            "Per Holm (M), ordförande",
            "Amira Said (S), vice ordförande",
            "Ronja Sjö (SD), ersättare för Mikael Borg",
            "Närvarande ersättare, inte tjänstgörande",
            "Erik Sjöberg (M)",
            "Övriga närvarande",
            "Ann-Christine Jenvén, stadsdelsdirektör",
            "Maja Berg, sekreterare",
            "Justering",
            "Justerare",
            "Lena Ek",
            "Justeringen",
            "digitalt, 2019-12-17",
            "§ 1 Val av justerare",
            "Tjänstgörande i paragrafen",
            "Beslut",
            "Lena Ek utses att jämte ordföranden justera protokollet.",
            "§ 2 Stockholms stads säkerhetsprogram 2020–2023",
            "Paragrafen justerades omedelbart 2019-12-12 av Per Holm (2019-12-12 19:05), Lena Ek",
            "Beslutsunderlag",
            "tjänsteutlåtande daterat 2019-12-12",
            "Beslut",
            "1. Stadsdelsnämnden överlämnar",
            "Underskrifter",
            "Protokollet justerades 2019-12-17",
            "Maja Berg",  # the signature block: two a row, name above role
            "Per Holm",
            "Sekreterare",
            "Ordförande, justerade digitalt 2019-12-17",  # names and dates, no blank lines
            "Lena Ek",
            "Justerare, justerade digitalt 2019-12-17",
            "Anslag",
            "Södermalms stadsdelsnämnd",
            "Sammanträdesdatum: 2019-12-12",
            "Paragrafer: §§ 1–2",
            "Anslaget: 2019-12-17",
            "Sista dag för överklagande: 2020-01-07",
            "Anslaget tas ned: 2020-01-08",
            "Protokollets förvaringsplats: Södermalms stadsdelsförvaltning, registraturen",
        ],
    )
    assert "Mikael Borg (SD)" not in body  # absent
    assert not any("UTKAST" in page.text for page in pages)
    assert minutes.minutes_filename(seed_meeting) == (
        "Protokoll Södermalms stadsdelsnämnd 2019-12-12.pdf"
    )


def test_the_kallelse_is_issued_as_pdfa_mailed_to_the_council_and_kept(
    seed_meeting, tmp_path, django_capture_on_commit_callbacks
):
    # A new meeting of the same council, with the seed meeting's term.
    meeting = workflow.create_meeting(
        organisation=seed_meeting.organisation,
        user=user("sekreterare"),
        new=workflow.NewMeeting(
            date=seed_meeting.date.replace(day=19), place="Götgatan 124", open=True
        ),
    )
    for title in ["Val av justerare", "Budgetuppföljning", "Anmälan av delegationsbeslut"]:
        workflow.add_agenda_item(meeting=meeting, user=user("sekreterare"), title=title)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        issue = workflow.issue_agenda(meeting=meeting, user=user("sekreterare"))

    assert (issue.version, issue.label) == (1, "Kallelse")
    # Issuing lays nothing out: the worker's job does (minutes.render_agenda).
    assert issue.state == AgendaIssue.State.PENDING and not issue.file and issue.html
    assert minutes.render_now(issue.pk)
    issue.refresh_from_db()
    assert issue.state == AgendaIssue.State.READY and issue.html == ""
    data = issue.file.read()
    assert hashlib.sha256(data).hexdigest() == issue.sha256
    check_pdfa(data, tmp_path)
    pages = read_pages(data)
    numbered(pages)
    assert "Kallelse" in pages[0].furniture
    assert_in_order(
        "\n".join(p.body for p in pages),
        [
            "Kallelse till sammanträde med Södermalms stadsdelsnämnd",
            "Tid",
            "Offentligt",  # beside the time
            "Plats",
            "Götgatan 124",
            "Föredragningslista",
            "§ 1 Val av justerare",
            "§ 2 Budgetuppföljning",
            "§ 3 Anmälan av delegationsbeslut",
            "Ledamöter",
            "Per Holm (M), ordförande",
            "Ersättare",
            "Maja Berg",
            "Sekreterare",
        ],
    )
    assert len(mail.outbox) == 1
    assert len(mail.outbox[0].to) == 22  # eleven ledamöter and eleven ersättare
    assert mail.outbox[0].subject.startswith("Kallelse: Södermalms stadsdelsnämnd")
    assert MeetingEvent.objects.filter(
        meeting=meeting, action=MeetingEvent.Action.AGENDA_ISSUED
    ).exists()

    # Unchanged, it is not issued again; changed, it goes out as a tilläggslista.
    with pytest.raises(workflow.TransitionError, match="oförändrad"):
        workflow.issue_agenda(meeting=meeting, user=user("sekreterare"))
    workflow.add_agenda_item(meeting=meeting, user=user("sekreterare"), title="Övriga frågor")
    second = workflow.issue_agenda(meeting=meeting, user=user("sekreterare"))
    assert second.label == "Tilläggslista 1"
    minutes.render_now(second.pk)
    second.refresh_from_db()
    assert "§ 4 Övriga frågor" in "\n".join(p.body for p in read_pages(second.file.read()))
    assert AgendaIssue.objects.filter(meeting=meeting).count() == 2


def test_the_open_meetings_agenda_is_public_once_issued_and_a_closed_paragraph_shows_no_documents(
    seed_meeting, client
):
    meeting = workflow.create_meeting(
        organisation=seed_meeting.organisation,
        user=user("sekreterare"),
        new=workflow.NewMeeting(date=seed_meeting.date.replace(day=19), open=True),
    )
    workflow.add_agenda_item(meeting=meeting, user=user("sekreterare"), title="Budget")
    closed = workflow.add_agenda_item(
        meeting=meeting, user=user("sekreterare"), title="Ärende om enskild"
    )
    closed.closed = True
    closed.save()
    url = reverse("public_meeting", args=[meeting.pk])
    assert client.get(url).status_code == 404

    issue = workflow.issue_agenda(meeting=meeting, user=user("sekreterare"))

    page = client.get(url).content.decode()
    assert "Budget" in page
    assert "stängd paragraf, handlingarna är inte offentliga" in page
    agenda = reverse("public_agenda", args=[meeting.pk, 1])
    waiting = client.get(agenda)  # the worker has not made the PDF yet
    assert waiting.status_code == 202 and "PDF:en förbereds" in waiting.content.decode()
    # The public's way back is the meeting's public page, not the login behind Mina ärenden.
    assert f'href="{url}">Till sammanträdet<' in waiting.content.decode()
    assert "Till Mina ärenden" not in waiting.content.decode()
    minutes.render_now(issue.pk)
    answer = client.get(agenda)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    meeting.open = False
    meeting.save()
    assert client.get(url).status_code == 404


def test_look_at_page_one_of_each_meeting_document(seed_meeting, tmp_path):
    """Renders page 1 of the kallelse, the protokoll and the extract to PNG (kept under
    test-artifacts/ with KEEP_PAGES=1, for a person to look at)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm saknas: installera Debians paket 'poppler-utils'.")
    from remiss import pdf
    from remiss.models import Decision

    documents = {
        "kallelse": minutes.agenda_pdf(seed_meeting, version=1, issued_on=seed_meeting.date),
        "protokoll": minutes.minutes_pdf(seed_meeting),
        "utdrag": pdf.extract_pdf(Decision.objects.get(item__number=2)),
    }
    out = tmp_path
    if os.environ.get("KEEP_PAGES"):
        out = Path("test-artifacts")
        out.mkdir(exist_ok=True)
    for name, data in documents.items():
        path = out / f"{name}.pdf"
        path.write_bytes(data)
        subprocess.run(
            [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(out / name)],
            check=True,
        )
        [png] = list(out.glob(f"{name}*.png"))
        assert png.stat().st_size > 5_000, name
