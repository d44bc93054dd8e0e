"""Kommunstyrelsen's whole round in a real browser (issue 16): `ks` registers an SOU remiss from
Finansdepartementet, sends it on to two nämnder and one outside instans; Södermalm answers
through the workflow, Polisen through its personal link, and the coordinator registers
Kungsholmen's reply that came by post; `ks` closes the round, drafts kommunstyrelsen's reply
beside the compilation with a Beredning generated from the round, which is reviewed and decided
at a kommunstyrelsen meeting, and downloads the PDF/A reply addressed to the ministry.

The nämnd's answer and kommunstyrelsen's review and meeting go through the existing workflow
functions (their pages have browser tests of their own); every new page is driven by the
browser and checked with axe."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from remiss import documents, drafting, notifications, workflow
from remiss.models import (
    Decision,
    Membership,
    Organisation,
    OutgoingMail,
    ReceivedReply,
    Recipient,
    Remiss,
    Seat,
    Statement,
    StoredDocument,
)
from tests.browser.conftest import log_in, screenshot
from tests.justifying import justify_at_once
from tests.test_pdf import PDFAID, xmp_properties

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Role = Membership.Role


def status(page) -> str:
    return page.get_by_role("status").inner_text()


def pdf_file(name: str, text: str) -> dict:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    output = io.BytesIO()
    writer.write(output)
    return {"name": name, "mimeType": "application/pdf", "buffer": output.getvalue()}


def kommunstyrelsen_council(ks: Organisation) -> dict:
    """Kommunstyrelsen's secretary and members, beside the seeded coordinator `ks` (who also
    drafts) and the stadsdirektör."""
    User = get_user_model()
    people = {}
    for username, first, last, role in [
        ("ks_sekreterare", "Olof", "Berg", Role.SECRETARY),
        ("ks_ordforande", "Anna", "König", Role.CHAIR),
        ("ks_justerare", "Karl", "Lund", Role.JUSTIFIER),
        ("ks_ledamot", "Sofia", "Dahl", Role.MEMBER),
    ]:
        people[username] = User.objects.create_user(
            username, f"{username}@example.org", "demo", first_name=first, last_name=last
        )
        Membership.objects.create(user=people[username], organisation=ks, role=role)
    # The seed has the coordinator `ks` (who also drafts) and the stadsdirektör.
    people["ks"] = User.objects.get(username="ks")
    people["stadsdirektor"] = User.objects.get(username="stadsdirektor")
    today = timezone.localdate()
    for position, (username, office) in enumerate(
        [("ks_ordforande", "chair"), ("ks_justerare", ""), ("ks_ledamot", "")], start=1
    ):
        Seat.objects.create(
            organisation=ks,
            person=people[username],
            kind=Seat.Kind.MEMBER,
            position=position,
            party="S",
            office=office,
            term_starts=datetime.date(today.year, 1, 1),
            term_ends=datetime.date(today.year + 3, 12, 31),
        )
    return people


def decide_at_a_meeting(statement: Statement, *, secretary, chair, justifier, members) -> Decision:
    """The council takes the statement at a meeting today, and the chair and the justerare
    justify the paragraph at once (each signing for themselves)."""
    council = statement.recipient.organisation
    meeting = workflow.create_meeting(
        organisation=council,
        user=secretary,
        new=workflow.NewMeeting(
            date=timezone.localdate(), starts_at=datetime.time(9), place="Stadshuset"
        ),
    )
    workflow.record_attendance(
        meeting=meeting,
        user=secretary,
        rows=[workflow.AttendanceRow(user_id=person.pk) for person in members],
        chair=chair,
        justifiers=[justifier],
    )
    item = workflow.put_on_agenda(statement=statement, meeting=meeting, user=secretary)
    decision = workflow.record_decision(
        item=item,
        user=secretary,
        record=workflow.DecisionRecord(
            outcome=Decision.Outcome.ADOPTED,
            text="\n".join(f"{n}. {p}" for n, p in enumerate(statement.proposals, start=1)),
            immediate=True,
        ),
    )
    return justify_at_once(decision, chair, justifier)


def sodermalm_answers(recipient: Recipient) -> None:
    """Södermalm answers through the workflow: drafted, signed, decided and justified."""
    users = get_user_model().objects.in_bulk(
        ["handlaggare", "direktor", "sekreterare", "ordforande", "justerare"],
        field_name="username",
    )
    statement = drafting.start_statement(recipient=recipient, user=users["handlaggare"])
    workflow.submit(statement=statement, user=users["handlaggare"])
    workflow.sign(statement=statement, user=users["direktor"])
    members = [
        seat.person
        for seat in Seat.objects.on(recipient.organisation_id, timezone.localdate()).filter(
            kind=Seat.Kind.MEMBER
        )
    ]
    decide_at_a_meeting(
        statement,
        secretary=users["sekreterare"],
        chair=users["ordforande"],
        justifier=users["justerare"],
        members=members,
    )


def test_kommunstyrelsen_runs_a_round_from_an_sou_to_its_reply_to_the_ministry(
    browser, live_server, page, seeded, assert_accessible
):
    ks_org = Organisation.objects.get(name="Kommunstyrelsen")
    people = kommunstyrelsen_council(ks_org)
    today = timezone.localdate()
    log_in(page, "ks")

    # The SOU arrives from Finansdepartementet and is registered.
    page.get_by_role("link", name="Registrera inkommen remiss").click()
    page.get_by_label("Remittent", exact=True).select_option(label="Finansdepartementet")
    page.get_by_label("Remittentens diarienummer").fill("Fi2026/04711")
    page.get_by_label("Beteckning").fill("SOU 2026:14")
    page.get_by_label("Rubrik", exact=True).fill("Kommunernas beredskap inför höjd beredskap")
    page.get_by_label("Inkom den").fill(today.isoformat())
    page.get_by_label("Remittentens svarsdatum").fill(
        (today + datetime.timedelta(days=90)).isoformat()
    )
    page.get_by_label("Vårt diarienummer").fill("KS 2026/1234")
    page.get_by_label("Remisshandling").set_input_files(pdf_file("sou-2026-14.pdf", "SOU 2026:14"))
    page.get_by_label("Handlingens rubrik").fill("SOU 2026:14")
    assert_accessible(page, name="round-incoming")
    page.get_by_role("button", name="Registrera remissen").click()
    assert "är registrerad som KS 2026/1234" in status(page)
    case = Recipient.objects.get(organisation=ks_org, registration_number="KS 2026/1234")
    assert case.remiss.reference == "SOU 2026:14"

    # Sent on to two nämnder and one outside instans, with an earlier deadline.
    page.get_by_role("link", name="Skicka vidare till nämnder och bolag").click()
    suggested = page.get_by_label("Svarsdatum för nämnderna").input_value()
    assert today.isoformat() < suggested < case.remiss.deadline.isoformat()
    for name in [
        "Södermalms stadsdelsnämnd",
        "Kungsholmens stadsdelsnämnd",
        "Polismyndigheten, region Stockholm",
    ]:
        page.get_by_label(re.compile("^" + re.escape(name))).check()
    assert_accessible(page, name="round-forward")
    page.get_by_role("button", name="Skicka remissen vidare").click()
    assert "skickad vidare till 3 remissinstanser" in status(page)
    internal = Remiss.objects.get(forwarded_from=case)
    assert internal.deadline.isoformat() == suggested
    assert internal.attachments.get().title == "SOU 2026:14"

    # Södermalm answers through the workflow.
    sodermalm_answers(internal.recipients.get(organisation__name="Södermalms stadsdelsnämnd"))

    # Polisen answers through its personal link, without an account.
    body = OutgoingMail.objects.get(
        template="remiss_received_outside", to=["polisen@example.org"]
    ).body
    link = re.search(r"https?://\S+(/offentligt/remisser/\d+/svara/\S+/)", body).group(1)
    outside = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    outside.goto(link)
    outside.get_by_label("Ert svar").set_input_files(pdf_file("polisen.pdf", "Polisens svar"))
    outside.get_by_label("Ert namn").fill("Anna Polis")
    assert_accessible(outside, name="round-reply-link")
    outside.get_by_role("button", name="Skicka svaret").click()
    assert "Svar från Polismyndigheten, region Stockholm" in outside.locator("h1").inner_text()
    outside.goto(link)
    assert "redan använd" in outside.locator("main").inner_text()

    # Kungsholmen's reply came by post: the coordinator registers it.
    page.goto(f"/remisser/{internal.pk}/")
    page.get_by_role("link", name="Registrera svar från Kungsholmens stadsdelsnämnd").click()
    page.get_by_label("Svaret", exact=True).set_input_files(
        pdf_file("kungsholmen.pdf", "Kungsholmen")
    )
    page.get_by_label("Per post").check()
    assert_accessible(page, name="round-register-reply")
    page.get_by_role("button", name="Registrera svaret").click()
    assert "Svaret från Kungsholmens stadsdelsnämnd är registrerat" in status(page)
    reply = ReceivedReply.objects.get(recipient__organisation__name="Kungsholmens stadsdelsnämnd")
    assert reply.registered_by.username == "ks"

    # The deadline passes; kommunstyrelsen closes the round.
    Remiss.objects.filter(pk=internal.pk).update(
        sent_on=today - datetime.timedelta(days=30), deadline=today - datetime.timedelta(days=1)
    )
    page.reload()
    assert_accessible(page, name="round-status")
    page.get_by_role("button", name="Avsluta remissomgången").click()
    assert "Remissomgången är avslutad" in status(page)

    # Kommunstyrelsen's own reply, drafted beside the replies, with the Beredning generated.
    page.goto(f"/arenden/{case.pk}/")
    page.get_by_role("button", name="Påbörja tjänsteutlåtandet").click()
    panel = page.get_by_role("complementary", name="Svaren i remissomgången")
    assert "3 av 3 har svarat" in panel.inner_text()
    assert "Polismyndigheten, region Stockholm" in panel.inner_text()
    page.get_by_role("button", name="Skriv beredningen utifrån remissomgången").click()
    preparation = page.locator("#id_preparation").input_value()
    assert preparation.startswith(
        "Ärendet har remitterats till Kungsholmens stadsdelsnämnd, Polismyndigheten, region "
        "Stockholm och Södermalms stadsdelsnämnd"
    )
    page.get_by_label("Sammanfattning").fill(
        "Kommunstyrelsen tillstyrker utredningens förslag med de synpunkter som nämnderna och "
        "Polismyndigheten har lämnat."
    )
    assert_accessible(page, name="round-ks-editor")
    page.get_by_role("button", name="Spara").first.click()
    assert "Sparat som version 2" in status(page)
    page.goto(page.url.replace("/redigera/", "/"))
    page.get_by_role("button", name="Lämna till granskning").click()
    statement = Statement.objects.get(recipient=case)
    assert statement.addressed_to == "Finansdepartementet"
    assert "SOU 2026:14" in statement.reference_line

    # Review and kommunstyrelsen's meeting, through the workflow.
    workflow.sign(statement=statement, user=people["stadsdirektor"])
    decision = decide_at_a_meeting(
        statement,
        secretary=people["ks_sekreterare"],
        chair=people["ks_ordforande"],
        justifier=people["ks_justerare"],
        members=[people[name] for name in ["ks_ordforande", "ks_justerare", "ks_ledamot"]],
    )
    case.refresh_from_db()
    assert case.status == Recipient.Status.DELIVERED
    sent = OutgoingMail.objects.get(template="reply_to_remittent")
    assert sent.to == ["fi.remissvar@example.org"]
    # The mail to the ministry carries the archived reply: it waits until the PDF is rendered.
    assert sent.sent_at is None and sent.state == OutgoingMail.State.FAILED
    documents.render_pending(decision.pk)
    notifications.recover(failed=True)
    sent.refresh_from_db()
    assert sent.sent_at is not None
    (to_ministry,) = [m for m in mail.outbox if m.to == ["fi.remissvar@example.org"]]
    ((filename, attached, mimetype),) = to_ministry.attachments
    assert filename.endswith(".pdf") and mimetype == "application/pdf"
    assert attached.startswith(b"%PDF-")

    # `ks` downloads the reply to the ministry: a PDF/A with the decision and the Beredning.
    page.goto(f"/arenden/{case.pk}/")
    reply_document = StoredDocument.objects.get(decision=decision, kind=StoredDocument.Kind.REPLY)
    with page.expect_download() as download_info:
        page.locator(f"a[href='/handlingar/{reply_document.pk}/']").first.click()
    data = download_info.value.path().read_bytes()
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "Finansdepartementet" in text and "SOU 2026:14" in text
    assert "Ärendet har remitterats till Kungsholmens stadsdelsnämnd" in text
    assert "Svar har inkommit från" in text
    xmp = xmp_properties(PdfReader(io.BytesIO(data)))
    # The reply (yttrande) is PDF/A-3a, as every delivered reply (docs/documents.md).
    assert xmp[f"{PDFAID}part"] == ["3"] and xmp[f"{PDFAID}conformance"] == ["A"]
    screenshot(page, "round")
