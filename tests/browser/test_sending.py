"""Kommunstyrelsen's day, in a real browser: send a remiss, follow it, compile the answers."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model

from remiss import council, drafting, workflow
from remiss.models import Meeting, Membership, Organisation, Recipient, Remiss
from tests.browser.conftest import log_in, screenshot
from tests.justifying import justify_at_once

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
User = get_user_model()


def working_day(days_ahead: int) -> datetime.date:
    from remiss import deadlines

    return deadlines.next_working_day(datetime.date.today() + datetime.timedelta(days=days_ahead))


def deliver_sodermalm(remiss: Remiss) -> None:
    """Södermalm answers through the workflow, with views on two focus areas."""
    users = User.objects.in_bulk(
        ["handlaggare", "direktor", "sekreterare", "ordforande", "justerare"], field_name="username"
    )
    recipient = remiss.recipients.get(organisation__registry_prefix="SÖD")
    statement = drafting.start_statement(recipient=recipient, user=users["handlaggare"])
    text = drafting.text_from_snapshot(drafting.snapshot(statement))
    text.sections["summary"] = "Förvaltningen tillstyrker trygghetsprogrammet."
    areas = {area.number: area for area in remiss.programme.focus_areas.all()}
    text.focus_area_views = [
        (areas[1], "Krisberedskapen behöver fler övningar."),
        (areas[3], "Informationssäkerheten måste följas upp årligen."),
    ]
    statement = drafting.save_statement(
        statement=statement, user=users["handlaggare"], base_version=1, text=text
    )
    workflow.submit(statement=statement, user=users["handlaggare"])
    workflow.sign(statement=statement, user=users["direktor"])
    meeting = Meeting.objects.create(
        organisation=recipient.organisation,
        date=datetime.date.today(),
        secretary=users["sekreterare"],
    )
    workflow.record_attendance(  # every ledamot of the term serves
        meeting=meeting,
        user=users["sekreterare"],
        rows=[
            workflow.AttendanceRow(user_id=seat.person_id)
            for seat in council.seats(meeting).members()
        ],
        chair=users["ordforande"],
        justifiers=[users["justerare"]],
    )
    item = workflow.put_on_agenda(statement=statement, meeting=meeting, user=users["sekreterare"])
    justify_at_once(
        workflow.record_decision(
            item=item,
            user=users["sekreterare"],
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )


def test_kommunstyrelsen_sends_follows_and_compiles(
    browser, live_server, seeded, assert_accessible, tmp_path
):
    social = Organisation.objects.get(name="Socialnämnden")
    decliner = User.objects.create_user(
        "soc", email="soc@example.org", password="demo", first_name="Siv", last_name="Social"
    )
    Membership.objects.create(user=decliner, organisation=social, role="head_of_administration")

    ks = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    log_in(ks, "ks")
    ks.get_by_role("link", name="Ny remiss").click()
    assert_accessible(ks, name="remiss-form")
    ks.get_by_label("Diarienummer").fill("KS 2026/950")
    ks.get_by_label("Svarsdatum").fill(working_day(30).isoformat())
    ks.get_by_label("Program").select_option(label="Stockholms stads säkerhetsprogram 2020–2023")
    ks.get_by_label("Rubrik", exact=True).fill("Stockholms stads trygghetsprogram")
    ks.get_by_label("Beskrivning").fill("Förslaget till trygghetsprogram remitteras.")
    for name in ["Södermalms stadsdelsnämnd", "Kungsholmens stadsdelsnämnd", "Socialnämnden"]:
        ks.get_by_label(name, exact=True).check()
    ks.get_by_role("button", name="Skicka remissen").click()
    assert "Remissen är skickad till 3 remissinstanser" in ks.get_by_role("status").inner_text()
    remiss = Remiss.objects.get(registration_number="KS 2026/950")

    # The three recipients: one delivers, one asks for more time, one declines.
    deliver_sodermalm(remiss)
    kungsholmen = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    log_in(kungsholmen, "kungsholmen")
    kungsholmen.get_by_role("link", name="Stockholms stads trygghetsprogram").click()
    kungsholmen.locator("summary", has_text="Begär anstånd").click()
    wanted = working_day(45)
    kungsholmen.get_by_label("Nytt svarsdatum").fill(wanted.isoformat())
    kungsholmen.get_by_label("Skäl").fill("Nämnden sammanträder först efter svarsdatum.")
    kungsholmen.get_by_role("button", name="Begär anstånd").click()
    assert "Begäran om anstånd är skickad" in kungsholmen.get_by_role("status").inner_text()
    workflow.decline(
        recipient=remiss.recipients.get(organisation=social),
        user=decliner,
        reason="Programmet berör inte nämndens ansvar.",
    )

    ks.goto(f"/remisser/{remiss.pk}/")
    ks.get_by_role("button", name="Bevilja anstånd för Kungsholmens stadsdelsnämnd").click()
    assert "beviljat" in ks.get_by_role("status").inner_text()
    rows = {
        row.get_by_role("rowheader").inner_text(): row.inner_text()
        for row in ks.get_by_role("row").all()[1:]
    }
    assert "Besvarad" in rows["Södermalms stadsdelsnämnd"]
    assert "Inte påbörjat" in rows["Kungsholmens stadsdelsnämnd"]
    assert f"{wanted:%Y-%m-%d} (anstånd)" in rows["Kungsholmens stadsdelsnämnd"]
    assert "Avstår" in rows["Socialnämnden"]
    assert "1 av 3 har svarat" in ks.locator("main").inner_text()
    screenshot(ks, "status-board")
    assert_accessible(ks, name="status-board")
    assert (
        Recipient.objects.get(
            remiss=remiss, organisation__name="Kungsholmens stadsdelsnämnd"
        ).deadline
        == wanted
    )

    ks.get_by_role("link", name="Sammanställning av svaren").click()
    body = ks.locator("main").inner_text()
    assert "Krisberedskapen behöver fler övningar." in body
    assert "Informationssäkerheten måste följas upp årligen." in body
    assert "Kungsholmens stadsdelsnämnd" in body  # under "Ej inkommit"
    screenshot(ks, "compilation")
    assert_accessible(ks, name="compilation")

    csv_response = ks.request.get(f"/remisser/{remiss.pk}/sammanstallning.csv")
    rows = list(csv.reader(io.StringIO(csv_response.body().decode("utf-8-sig")), delimiter=";"))
    assert any("Krisberedskapen behöver fler övningar." in cell for row in rows for cell in row)
    assert any("Socialnämnden" in row for row in rows)
    from openpyxl import load_workbook

    workbook = load_workbook(
        io.BytesIO(ks.request.get(f"/remisser/{remiss.pk}/sammanstallning.xlsx").body())
    )
    assert {"Synpunkter", "Status"} <= set(workbook.sheetnames)
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(ks.request.get(f"/remisser/{remiss.pk}/sammanstallning.pdf").body()))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Förvaltningen tillstyrker trygghetsprogrammet." in text
    assert "Kungsholmens stadsdelsnämnd" in text
    for page in [ks, kungsholmen]:
        page.context.close()
