"""The sender's sammanställning: the page and its CSV, XLSX and PDF exports.

The case: KS 2019/1543 to three bodies. Södermalm has answered (a view on focus area 1, delivered
through the whole workflow), Kungsholmen is writing a draft it has not sent (its text must never
show), and Östermalm has declined.
"""

import csv
import datetime
import io
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from remiss import drafting, workflow
from remiss import pdf as pdf_module
from remiss.compilation import build, swedish_sort_key
from remiss.models import (
    FocusAreaView,
    Membership,
    Recipient,
    Remiss,
    Statement,
    StoredDocument,
)
from tests.conftest import DEADLINE, SENT, make_organisation, make_user, sql_statements
from tests.justifying import justify_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The PDF is a preview kept in storage (remiss/previews.py): here, not in the project."""
    settings.MEDIA_ROOT = tmp_path


SOD_SUMMARY = "Förvaltningen välkomnar programmet och dess fokus på övning."
SOD_VIEWS = "Stadsdelsförvaltningen föreslår att ansvaret för krisstödet förtydligas."
SOD_VIEW = "Krisberedskapen behöver övas årligen i varje stadsdel, även på helgdagar."
SOD_PROPOSAL = "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen."

SECRET_SUMMARY = "Hemlig mening ur Kungsholmens utkast som ingen utanför får läsa."
SECRET_VIEW = "Kungsholmens ofärdiga synpunkt om civilt försvar."
DECLINED_DRAFT = "Östermalms påbörjade text som aldrig skickades."
DECLINE_REASON = "Remissen berör inte nämndens ansvarsområde."

HEADINGS = [
    "Remiss dnr",
    "Remissinstans",
    "Remissinstansens dnr",
    "Status",
    "Inkom",
    "Fokusområde nr",
    "Fokusområde",
    "Synpunkter",
]


def write(statement, user, *, sections, views, proposals=None):
    """Save the statement's text (a new version) through the drafting service."""
    text = drafting.StatementText(
        title=statement.title,
        reference_line=statement.reference_line,
        addressed_to=statement.addressed_to,
        date=statement.date,
        phone=statement.phone,
        sections=sections,
        proposals=proposals or list(statement.proposals),
        focus_area_views=views,
    )
    return drafting.save_statement(
        statement=statement, user=user, base_version=statement.version, text=text
    )


@pytest.fixture
def case(
    remiss, started, handlaggare, direktor, meeting, sekreterare, kungsholmen, outsider
) -> SimpleNamespace:
    krisberedskap, civilt_forsvar = remiss.programme.focus_areas.order_by("number")

    # Södermalm writes, with a view on focus area 1, signs and delivers at the meeting.
    statement = write(
        started,
        handlaggare,
        sections={"summary": SOD_SUMMARY, "views": SOD_VIEWS},
        views=[(krisberedskap, SOD_VIEW)],
        proposals=[SOD_PROPOSAL],
    )
    workflow.submit(statement=statement, user=handlaggare)
    statement = workflow.sign(statement=statement, user=direktor)
    item = workflow.put_on_agenda(statement=statement, meeting=meeting, user=sekreterare)
    justify_at_once(
        workflow.record_decision(
            item=item,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )

    # Kungsholmen has a draft, with views on both focus areas, and an extended deadline.
    kungsholmen_recipient = remiss.recipients.get(organisation=kungsholmen)
    draft = drafting.start_statement(recipient=kungsholmen_recipient, user=outsider)
    write(
        draft,
        outsider,
        sections={"summary": SECRET_SUMMARY},
        views=[(krisberedskap, SECRET_VIEW), (civilt_forsvar, SECRET_VIEW)],
    )
    kungsholmen_recipient.extended_deadline = datetime.date(2019, 12, 20)
    kungsholmen_recipient.save()

    # Östermalm started a statement, then declined.
    ostermalm = make_organisation("Östermalms stadsdelsnämnd", registry_prefix="ÖST")
    ostermalm_recipient = Recipient.objects.create(
        remiss=remiss, organisation=ostermalm, registration_number="ÖST 2019/88"
    )
    ostermalm_writer = make_user("ostermalm", ostermalm, Membership.Role.CASE_OFFICER)
    ostermalm_draft = drafting.start_statement(recipient=ostermalm_recipient, user=ostermalm_writer)
    write(
        ostermalm_draft,
        ostermalm_writer,
        sections={"summary": DECLINED_DRAFT},
        views=[(krisberedskap, DECLINED_DRAFT)],
    )
    chef = make_user("ostchef", ostermalm, Membership.Role.HEAD_OF_ADMINISTRATION)
    workflow.decline(recipient=ostermalm_recipient, user=chef, reason=DECLINE_REASON)

    return SimpleNamespace(
        remiss=remiss,
        sodermalm=statement.recipient,
        kungsholmen=kungsholmen_recipient,
        ostermalm=ostermalm_recipient,
    )


def url(name: str, remiss) -> str:
    return reverse(name, args=[remiss.pk])


def between(text: str, start: str, end: str | None = None) -> str:
    """The part of `text` after `start` (and before the next `end`)."""
    assert start in text, f"saknas: {start!r}"
    rest = text[text.index(start) + len(start) :]
    if end is None:
        return rest
    assert end in rest, f"saknas efter {start!r}: {end!r}"
    return rest[: rest.index(end)]


def read_csv(response, delimiter: str = ";") -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_csv_bytes(content: bytes, delimiter: str) -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    )


def pdf_text(data: bytes, first_page: int = 0) -> str:
    """The PDF's text (from `first_page` on), with words hyphenated at a line end joined and
    whitespace squashed."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages[first_page:])
    text = re.sub(r"[\u00ad\u2010\-]\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", text)


# --- The page ---------------------------------------------------------------------------------


class TestPage:
    def test_the_page_counts_the_replies(self, client, case, ks_samordnare):
        client.force_login(ks_samordnare)

        body = client.get(url("compilation", case.remiss)).content.decode()

        assert "<h1>Stockholms stads säkerhetsprogram 2020–2023</h1>" in body
        assert "<dt>Svar inkomna</dt><dd>1 av 3</dd>" in body
        assert "<dt>Avstår</dt><dd>1</dd>" in body
        assert "<dt>Ej inkommit</dt><dd>1 (varav 1 efter svarsdatum)</dd>" in body

    def test_a_delivered_view_shows_under_its_focus_area_with_a_link_to_the_reply(
        self, client, case, ks_samordnare
    ):
        client.force_login(ks_samordnare)

        body = client.get(url("compilation", case.remiss)).content.decode()

        first_area = between(body, "1. Krisberedskap</h3>", "2. Civilt försvar</h3>")
        reply = reverse("reply", args=[case.remiss.pk, case.sodermalm.pk])
        assert f'<a href="{reply}">Södermalms stadsdelsnämnd</a>' in first_area
        assert f"<p>{SOD_VIEW}</p>" in first_area

    def test_a_focus_area_nobody_commented_says_so(self, client, case, ks_samordnare):
        client.force_login(ks_samordnare)

        body = client.get(url("compilation", case.remiss)).content.decode()

        second_area = between(body, "2. Civilt försvar</h3>", 'id="per-remissinstans"')
        assert "Ingen remissinstans har lämnat synpunkter på fokusområdet." in second_area
        assert "Södermalms stadsdelsnämnd" not in second_area

    def test_each_reply_is_listed_with_its_date_and_links(self, client, case, ks_samordnare):
        client.force_login(ks_samordnare)
        remiss = case.remiss

        body = client.get(url("compilation", remiss)).content.decode()

        replies = between(body, 'id="per-remissinstans"', 'id="avstar"')
        assert "Södermalms stadsdelsnämnd" in replies
        assert "SÖD 2019/1102" in replies
        assert timezone.localdate(case.sodermalm.delivered_at).isoformat() in replies
        assert reverse("reply", args=[remiss.pk, case.sodermalm.pk]) in replies
        # The archived reply PDF is still being rendered (tasks wait in the tests): no link yet.
        assert "Svaret som PDF" not in replies
        assert "Kungsholmens" not in replies and "Östermalms" not in replies

    def test_the_archived_reply_pdf_is_linked_once_it_is_ready(self, client, case, ks_samordnare):
        document = StoredDocument.objects.get(kind=StoredDocument.Kind.REPLY)
        StoredDocument.objects.filter(pk=document.pk).update(state=StoredDocument.State.READY)
        client.force_login(ks_samordnare)

        body = client.get(url("compilation", case.remiss)).content.decode()

        replies = between(body, 'id="per-remissinstans"', 'id="avstar"')
        assert f'<a href="{reverse("document", args=[document.pk])}">Svaret som PDF' in replies

    def test_the_status_board_links_the_reply_and_its_pdf_once_it_is_ready(
        self, client, case, ks_samordnare
    ):
        remiss = case.remiss
        document = StoredDocument.objects.get(kind=StoredDocument.Kind.REPLY)
        pdf = f'<a href="{reverse("document", args=[document.pk])}">PDF'
        client.force_login(ks_samordnare)

        pending = client.get(url("remiss_status", remiss)).content.decode()
        StoredDocument.objects.filter(pk=document.pk).update(state=StoredDocument.State.READY)
        ready = client.get(url("remiss_status", remiss)).content.decode()

        reply = reverse("reply", args=[remiss.pk, case.sodermalm.pk])
        assert f'<a href="{reply}">Läs svaret' in pending
        register = reverse("reply_register", args=[remiss.pk, case.kungsholmen.pk])
        assert f'<a href="{register}">Registrera svar' in pending  # still awaited
        assert pdf not in pending  # still being rendered
        assert ready.count(pdf) == 1

    def test_the_declined_and_the_silent_are_listed_apart(self, client, case, ks_samordnare):
        client.force_login(ks_samordnare)

        body = client.get(url("compilation", case.remiss)).content.decode()

        declined = between(body, 'id="avstar"', 'id="ej-inkommit"')
        assert "Östermalms stadsdelsnämnd" in declined
        assert DECLINE_REASON in declined
        assert "Kungsholmens" not in declined
        awaiting = between(body, 'id="ej-inkommit"')
        assert "Kungsholmens stadsdelsnämnd" in awaiting
        assert "2019-12-20 (förlängt)" in awaiting
        assert "deadline--late" in awaiting and "dagar försenad" in awaiting
        assert "Östermalms" not in awaiting and "Södermalms" not in awaiting

    def test_the_page_links_to_the_three_exports(self, client, case, ks_samordnare):
        client.force_login(ks_samordnare)

        body = client.get(url("compilation", case.remiss)).content.decode()

        for name in ("compilation_csv", "compilation_xlsx", "compilation_pdf"):
            assert f'href="{url(name, case.remiss)}"' in body

    def test_what_a_recipient_wrote_is_sanitised(self, client, remiss, started, handlaggare):
        area = remiss.programme.focus_areas.get(number=1)
        statement = write(
            started,
            handlaggare,
            sections={"summary": "Kort."},
            views=[(area, 'Se <script>alert("x")</script> och [länken](javascript:alert(1)).')],
        )
        Statement.objects.filter(pk=statement.pk).update(
            status=Statement.Status.DELIVERED, signed_at=timezone.now()
        )
        Recipient.objects.filter(pk=statement.recipient_id).update(
            status=Recipient.Status.DELIVERED, delivered_at=timezone.now()
        )
        coordinator = make_user("ks", remiss.sender, Membership.Role.REMISS_COORDINATOR)
        client.force_login(coordinator)

        body = client.get(url("compilation", remiss)).content.decode()

        assert "<script>alert" not in body
        assert "&lt;script&gt;alert" in body
        assert 'href="javascript' not in body


# --- Who may see it ---------------------------------------------------------------------------


EXPORTS = ["compilation", "compilation_csv", "compilation_xlsx", "compilation_pdf"]


@pytest.mark.parametrize("name", EXPORTS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, remiss, name):
    response = client.get(url(name, remiss))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", EXPORTS)
def test_people_outside_the_sending_organisation_get_404(client, case, handlaggare, outsider, name):
    for person in (handlaggare, outsider):  # the one who replied, the one still writing
        client.force_login(person)
        assert client.get(url(name, case.remiss)).status_code == 404


def test_a_post_is_refused(client, case, ks_samordnare):
    client.force_login(ks_samordnare)

    assert client.post(url("compilation_csv", case.remiss)).status_code == 405


# --- Nothing undelivered, anywhere ------------------------------------------------------------


def test_no_undelivered_text_reaches_the_page_or_any_export(client, case, ks_samordnare):
    client.force_login(ks_samordnare)
    remiss = case.remiss
    secrets = [SECRET_SUMMARY, SECRET_VIEW, DECLINED_DRAFT, "Hemlig mening"]

    page = client.get(url("compilation", remiss)).content.decode()
    csv_text = client.get(url("compilation_csv", remiss)).content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(client.get(url("compilation_xlsx", remiss)).content))
    cells = " ".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )
    text = pdf_text(client.get(url("compilation_pdf", remiss)).content)

    for name, content in [("sidan", page), ("CSV", csv_text), ("XLSX", cells), ("PDF", text)]:
        for secret in secrets:
            assert secret not in content, f"{name} visar ej expedierad text: {secret!r}"
    # ... while the delivered reply is in each of them.
    assert SOD_VIEW in page and SOD_VIEW in csv_text and SOD_VIEW in cells and SOD_VIEW in text


def test_the_read_model_loads_no_undelivered_statement(case):
    compilation = build(case.remiss)

    assert [reply.recipient for reply in compilation.replies] == [case.sodermalm]
    assert all(
        reply.statement.recipient.status == Recipient.Status.DELIVERED
        for reply in compilation.replies
    )
    viewed = [view.text for area in compilation.focus_areas for _, view in area.entries]
    assert viewed == [SOD_VIEW]


# --- CSV --------------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_view_and_one_per_recipient_without_views(
    client, case, ks_samordnare
):
    client.force_login(ks_samordnare)

    response = client.get(url("compilation_csv", case.remiss))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Sammanst%C3%A4llning%20KS%202019-1543.csv"
    )
    delivered_on = timezone.localdate(case.sodermalm.delivered_at).isoformat()
    assert read_csv(response) == [
        HEADINGS,
        ["KS 2019/1543", "Kungsholmens stadsdelsnämnd", "", "Inväntar svar", "", "", "", ""],
        [
            "KS 2019/1543",
            "Södermalms stadsdelsnämnd",
            "SÖD 2019/1102",
            "Svar inkommet",
            delivered_on,
            "1",
            "Krisberedskap",
            SOD_VIEW,
        ],
        ["KS 2019/1543", "Östermalms stadsdelsnämnd", "ÖST 2019/88", "Avstår", "", "", "", ""],
    ]


def test_the_exports_give_views_as_plain_text_and_never_as_formulas(
    client, remiss, started, handlaggare, ks_samordnare
):
    area = remiss.programme.focus_areas.get(number=2)
    source = '=HYPERLINK("http://example.org","klicka")\n\n1. **Viktigt:** öva\n2. *Igen*, "alltid"'
    statement = write(started, handlaggare, sections={"summary": "Kort."}, views=[(area, source)])
    Statement.objects.filter(pk=statement.pk).update(
        status=Statement.Status.DELIVERED, signed_at=timezone.now()
    )
    Recipient.objects.filter(pk=statement.recipient_id).update(
        status=Recipient.Status.DELIVERED, delivered_at=timezone.now()
    )
    client.force_login(ks_samordnare)

    rows = read_csv(client.get(url("compilation_csv", remiss)))
    workbook = load_workbook(io.BytesIO(client.get(url("compilation_xlsx", remiss)).content))

    plain = '=HYPERLINK("http://example.org","klicka")\n\n1. Viktigt: öva\n2. Igen, "alltid"'
    [sodermalm_row] = [row for row in rows if row[1] == "Södermalms stadsdelsnämnd"]
    assert sodermalm_row[5:] == ["2", "Civilt försvar", "'" + plain]
    comma_rows = read_csv(client.get(url("compilation_csv", remiss) + "?avgransare=komma"), ",")
    [comma_row] = [row for row in comma_rows if row[1] == "Södermalms stadsdelsnämnd"]
    assert comma_row[7] == "'" + plain
    sheet = workbook["Synpunkter"]
    [cell] = [row[7] for row in sheet.iter_rows(min_row=2) if row[1].value.startswith("Söder")]
    assert cell.value == plain
    assert cell.data_type == "s"


def test_the_csv_opens_in_swedish_excel_as_columns_separated_by_semicolons(
    client, case, ks_samordnare
):
    client.force_login(ks_samordnare)

    content = client.get(url("compilation_csv", case.remiss)).content

    first_line = content.decode("utf-8-sig").splitlines()[0]
    assert first_line == ";".join(f'"{heading}"' for heading in HEADINGS)
    rows = read_csv_bytes(content, ";")
    assert {len(row) for row in rows} == {len(HEADINGS)}
    assert rows[2][:3] == ["KS 2019/1543", "Södermalms stadsdelsnämnd", "SÖD 2019/1102"]


def test_the_csv_with_commas_is_there_on_request_with_the_same_cells(client, case, ks_samordnare):
    client.force_login(ks_samordnare)

    semicolons = client.get(url("compilation_csv", case.remiss)).content
    commas = client.get(url("compilation_csv", case.remiss) + "?avgransare=komma").content
    page = client.get(url("compilation", case.remiss)).content.decode()

    assert commas.startswith(b"\xef\xbb\xbf")
    assert commas != semicolons
    assert read_csv_bytes(commas, ",") == read_csv_bytes(semicolons, ";")
    assert f"{url('compilation_csv', case.remiss)}?avgransare=komma" in page


def test_a_separator_inside_a_view_cannot_start_a_formula_cell_with_either_separator(
    client, remiss, started, handlaggare, ks_samordnare
):
    area = remiss.programme.focus_areas.get(number=1)
    source = "Bra förslag; =1+1, =2+2 och  @SUM(A1)"
    statement = write(started, handlaggare, sections={"summary": "Kort."}, views=[(area, source)])
    Statement.objects.filter(pk=statement.pk).update(
        status=Statement.Status.DELIVERED, signed_at=timezone.now()
    )
    Recipient.objects.filter(pk=statement.recipient_id).update(
        status=Recipient.Status.DELIVERED, delivered_at=timezone.now()
    )
    client.force_login(ks_samordnare)

    for query, separator in [("", ";"), ("?avgransare=komma", ",")]:
        content = client.get(url("compilation_csv", remiss) + query).content
        text = content.decode("utf-8-sig")
        # Split naively, as a spreadsheet guessing the other separator would: no piece of a
        # quoted cell may begin a new cell with a formula.
        for other in (";", ","):
            for line in text.splitlines():
                for piece in line.split(other):
                    assert not piece.startswith(("=", "+", "@")), (separator, other, piece)
        [row] = [r for r in read_csv_bytes(content, separator) if r[1].startswith("Söder")]
        assert row[7] == source


def test_a_view_starting_with_spaces_and_an_equals_sign_is_not_a_formula(
    client, remiss, started, handlaggare, ks_samordnare
):
    area = remiss.programme.focus_areas.get(number=1)
    statement = write(
        started, handlaggare, sections={"summary": "Kort."}, views=[(area, "Inledning")]
    )
    statement.focus_area_views.update(text="  =1+1")
    Statement.objects.filter(pk=statement.pk).update(
        status=Statement.Status.DELIVERED, signed_at=timezone.now()
    )
    Recipient.objects.filter(pk=statement.recipient_id).update(
        status=Recipient.Status.DELIVERED, delivered_at=timezone.now()
    )
    client.force_login(ks_samordnare)

    rows = read_csv(client.get(url("compilation_csv", remiss)))

    [row] = [r for r in rows if r[1].startswith("Söder")]
    assert row[7].startswith("'")


# --- XLSX -------------------------------------------------------------------------------------


def test_the_xlsx_has_the_views_and_the_status_of_every_recipient(client, case, ks_samordnare):
    client.force_login(ks_samordnare)

    response = client.get(url("compilation_xlsx", case.remiss))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Sammanst%C3%A4llning%20KS%202019-1543.xlsx"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Synpunkter", "Status"]
    delivered_on = timezone.localdate(case.sodermalm.delivered_at)

    views = workbook["Synpunkter"]
    rows = [[cell.value for cell in row] for row in views.iter_rows()]
    assert rows == [
        HEADINGS,
        ["KS 2019/1543", "Kungsholmens stadsdelsnämnd", None, "Inväntar svar"] + [None] * 4,
        [
            "KS 2019/1543",
            "Södermalms stadsdelsnämnd",
            "SÖD 2019/1102",
            "Svar inkommet",
            datetime.datetime.combine(delivered_on, datetime.time()),
            1,
            "Krisberedskap",
            SOD_VIEW,
        ],
        ["KS 2019/1543", "Östermalms stadsdelsnämnd", "ÖST 2019/88", "Avstår"] + [None] * 4,
    ]
    assert all(cell.font.bold for cell in views[1])
    assert views.freeze_panes == "A2"
    assert views["H3"].alignment.wrap_text
    assert views.column_dimensions["H"].width > views.column_dimensions["A"].width

    status = workbook["Status"]
    rows = [[cell.value for cell in row] for row in status.iter_rows()]
    midnight = datetime.time()
    assert rows == [
        [
            "Remissinstans",
            "Remissinstansens dnr",
            "Status",
            "Svarsdatum",
            "Inkom",
            "Skäl att avstå",
        ],
        [
            "Kungsholmens stadsdelsnämnd",
            None,
            "Inväntar svar",
            datetime.datetime(2019, 12, 20),
            None,
            None,
        ],
        [
            "Södermalms stadsdelsnämnd",
            "SÖD 2019/1102",
            "Svar inkommet",
            datetime.datetime.combine(DEADLINE, midnight),
            datetime.datetime.combine(delivered_on, midnight),
            None,
        ],
        [
            "Östermalms stadsdelsnämnd",
            "ÖST 2019/88",
            "Avstår",
            datetime.datetime.combine(DEADLINE, midnight),
            None,
            DECLINE_REASON,
        ],
    ]
    assert status["D2"].number_format == "yyyy-mm-dd"
    assert status.freeze_panes == "A2"


# --- PDF --------------------------------------------------------------------------------------


def test_the_pdf_holds_every_delivered_reply_and_the_lists(client, case, ks_samordnare):
    client.force_login(ks_samordnare)

    response = client.get(url("compilation_pdf", case.remiss))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Sammanst%C3%A4llning%20KS%202019-1543.pdf"
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == (
        "Sammanställning av remissvar: Stockholms stads säkerhetsprogram 2020–2023"
    )
    assert "KS 2019/1543" in reader.metadata["/Keywords"]
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()

    cover = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "Sammanställning av remissvar" in cover
    assert "Stockholms stads säkerhetsprogram 2020–2023" in cover
    assert "Svar inkomna 1 av 3" in cover and "Avstår 1" in cover
    assert "Svarsdatum 2019-12-13" in cover
    contents = re.sub(r"\s+", " ", reader.pages[1].extract_text())
    assert "Innehåll" in contents
    # The table of contents gives each entry's page.
    assert re.search(r"Södermalms stadsdelsnämnd[ .]*\d+", contents)

    in_order = [
        "Synpunkter per fokusområde",
        "1. Krisberedskap",
        SOD_VIEW,
        "2. Civilt försvar",
        "Ingen remissinstans har lämnat synpunkter på fokusområdet.",
        "Remissvaren",
        "Södermalms stadsdelsnämnd",
        "Förslag till beslut",
        SOD_PROPOSAL,
        "Sammanfattning",
        SOD_SUMMARY,
        "Synpunkter och förslag",
        SOD_VIEWS,
        "Avstår",
        "Östermalms stadsdelsnämnd",
        DECLINE_REASON,
        "Ej inkommit",
        "Kungsholmens stadsdelsnämnd",
        "2019-12-20 (förlängt)",
    ]
    text = pdf_text(response.content, first_page=2)  # after the cover and the contents
    position = 0
    for passage in in_order:
        found = text.find(passage, position)
        assert found >= 0, f"saknas (eller står i fel ordning): {passage!r}"
        position = found + len(passage)


def test_the_pdf_of_a_remiss_without_replies_says_so(client, remiss, ks_samordnare):
    client.force_login(ks_samordnare)

    text = pdf_text(client.get(url("compilation_pdf", remiss)).content)

    assert "Inga svar har kommit in ännu." in text
    assert "Kungsholmens stadsdelsnämnd" in text and "Södermalms stadsdelsnämnd" in text


# --- Queries ----------------------------------------------------------------------------------


def answered_remiss(sender, programme, case_officer, count: int) -> Remiss:
    """A remiss (KS 2019/count) with `count` delivered replies (add_delivered)."""
    remiss = Remiss.objects.create(
        sender=sender,
        registration_number=f"KS 2019/{count}",
        title=programme.name,
        programme=programme,
        sent_on=SENT,
        deadline=DEADLINE,
    )
    add_delivered(remiss, count, case_officer, prefix=f"R{count}")
    return remiss


def add_delivered(remiss: Remiss, count: int, case_officer, prefix: str) -> None:
    """`count` recipients with delivered statements and a view on focus area 1, made directly
    (test setup only): the views are written while the statements are drafts, then frozen."""
    area = remiss.programme.focus_areas.get(number=1)
    statements = []
    for number in range(count):
        organisation = make_organisation(f"{prefix} nämnd {number:02d}")
        recipient = Recipient.objects.create(
            remiss=remiss,
            organisation=organisation,
            status=Recipient.Status.DELIVERED,
            delivered_at=timezone.now(),
        )
        statement = Statement.objects.create(
            recipient=recipient,
            case_officer=case_officer,
            addressed_to=organisation.name,
            date=DEADLINE,
            title=remiss.title,
            proposals=["Nämnden överlämnar tjänsteutlåtandet som svar på remissen."],
            summary=f"Sammanfattning från {organisation.name}.",
            views=f"Synpunkter från {organisation.name}.",
        )
        FocusAreaView.objects.create(
            statement=statement, focus_area=area, text=f"Synpunkt från {organisation.name}."
        )
        statements.append(statement.pk)
    Statement.objects.filter(pk__in=statements).update(
        status=Statement.Status.DELIVERED, signed_at=timezone.now()
    )


def test_the_number_of_queries_does_not_grow_with_the_replies(
    client, ks, programme, handlaggare, ks_samordnare, monkeypatch
):
    monkeypatch.setattr(pdf_module, "render_pdf", lambda html: b"%PDF-1.7 stand-in")
    remisses = {count: answered_remiss(ks, programme, handlaggare, count) for count in (2, 20)}
    client.force_login(ks_samordnare)
    client.get(reverse("start"))  # the first request after login renews the session

    queries = {}
    for name in [*EXPORTS, "compilation_pdf"]:  # the PDF twice: rendered, then served again
        for count, remiss in remisses.items():
            with CaptureQueriesContext(connection) as context:
                response = client.get(url(name, remiss))
            assert response.status_code == 200
            queries[name, count] = [*queries.get((name, count), []), sql_statements(context)]
    # The compilation page also asks the header's counts (Att göra, notices); the files do not.
    # The PDF is a preview (remiss/previews.py): the first request orders it and, with the
    # immediate backend, renders it there (the job's claim, its writes, the clearing of older
    # renderings); the second finds the same content's rendering (one query more) and serves it.
    assert queries == {
        **{
            (name, count): [9 if name == "compilation" else 8]
            for name in EXPORTS[:3]
            for count in (2, 20)
        },
        **{("compilation_pdf", count): [17, 9] for count in (2, 20)},
    }

    body = client.get(url("compilation", remisses[20])).content.decode()
    assert body.count("Synpunkt från R20 nämnd") == 20


def add_decided(remiss: Remiss, secretary) -> None:
    """Each delivered statement of the remiss sent by its nämnd's justified decision (bifall),
    made directly (test setup only), as a meeting of its own."""
    from remiss.models import AgendaItem, Decision, Meeting

    for number, recipient in enumerate(remiss.recipients.select_related("statement"), start=1):
        meeting = Meeting.objects.create(
            organisation=recipient.organisation, date=DEADLINE, place="Sammanträdesrummet"
        )
        item = AgendaItem.objects.create(
            meeting=meeting, number=number, title=remiss.title, statement=recipient.statement
        )
        Decision.objects.create(
            item=item,
            outcome="adopted",
            text="Nämnden besvarar remissen med förvaltningens tjänsteutlåtande.",
            recorded_by=secretary,
            justified_on=DEADLINE,
            notice_date=DEADLINE,
        )


def test_the_page_asks_as_many_queries_for_replies_sent_by_decisions_whatever_their_number(
    client, ks, programme, handlaggare, sekreterare, ks_samordnare
):
    """The decisions are read by the replies' agenda items (two queries whatever their number):
    joined on the statements in one query, PostgreSQL's generic plan read every decision of the
    city."""
    remisses = {count: answered_remiss(ks, programme, handlaggare, count) for count in (2, 12)}
    for remiss in remisses.values():
        add_decided(remiss, sekreterare)
    client.force_login(ks_samordnare)
    client.get(reverse("start"))  # the first request after login renews the session

    queries = {}
    for count, remiss in remisses.items():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url("compilation", remiss))
        assert response.status_code == 200
        queries[count] = sql_statements(context)
        assert [
            reply.decided.decision is not None for reply in response.context["compilation"].replies
        ] == [True] * count

    assert queries == {2: 11, 12: 11}


# --- Order ------------------------------------------------------------------------------------


def test_recipients_are_in_swedish_alphabetical_order():
    names = ["Östermalm", "Älvsjö", "Åsele", "Bromma", "Zinkensdamm", "angered"]

    assert sorted(names, key=swedish_sort_key) == [
        "angered",
        "Bromma",
        "Zinkensdamm",
        "Åsele",
        "Älvsjö",
        "Östermalm",
    ]
