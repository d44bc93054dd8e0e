"""Justering in a real browser (issue 12): the chair and the justerare each justify the protokoll
for themselves, with a fresh confirmation of their password; the protokoll then names both
with the moment they signed, and anyone can read the anslag on the anslagstavla. (That the
anslag leaves the current list after its take-down day is tested with a clock in
tests/test_justering.py.)"""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from remiss import workflow
from remiss.models import JustificationSignature, Meeting, Notice, Statement
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_workflow import record_attendance, status_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(browser, live_server, username=None):
    page = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    if username:
        log_in(page, username)
    return page


def sign(page, *, link: str) -> None:
    """On the page with the button `link`: open the signing page, confirm, sign."""
    page.get_by_role("link", name=link).click()
    page.get_by_label("Ditt lösenord").fill("demo")
    page.get_by_role("button", name="Justera", exact=True).click()


def decided_meeting(browser, live_server, draft) -> tuple:
    """Today's meeting, the statement decided without immediate justification."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(["handlaggare", "direktor"], field_name="username")
    workflow.submit(statement=draft, user=users["handlaggare"])
    workflow.sign(statement=draft, user=users["direktor"])
    secretary = as_user(browser, live_server, "sekreterare")
    secretary.goto("/sammantraden/nytt/")
    secretary.get_by_label("Datum").fill(timezone.localdate().isoformat())
    secretary.get_by_role("button", name="Skapa sammanträdet").click()
    record_attendance(secretary)
    secretary.get_by_label("Signerat tjänsteutlåtande").select_option(index=1)
    secretary.get_by_role("button", name="Sätt upp på föredragningslistan").click()
    secretary.get_by_role("link", name=re.compile("Protokollför beslut")).click()
    secretary.get_by_label("Bifall", exact=True).check()
    secretary.get_by_role("button", name="Protokollför beslutet").click()
    assert "protokollfört" in status_message(secretary)
    meeting = Meeting.objects.get(items__statement=draft)
    return secretary, meeting


def test_the_chair_and_the_justerare_justify_and_the_anslag_is_public(
    browser, live_server, draft, assert_accessible
):
    secretary, meeting = decided_meeting(browser, live_server, draft)
    meeting_url = f"/sammantraden/{meeting.pk}/"

    # The secretary sees who is awaited, and has no button to justify.
    secretary.goto(meeting_url)
    main = secretary.locator("main").inner_text()
    assert "Väntar på: Per Holm, Lena Ek" in main
    assert secretary.get_by_role("link", name="Justera protokollet").count() == 0

    # The chair: a wrong password signs nothing; the right one signs.
    chair = as_user(browser, live_server, "ordforande")
    chair.goto(meeting_url)
    chair.get_by_role("link", name="Justera protokollet").click()
    assert "Texten du justerar" in chair.locator("main").inner_text()
    assert_accessible(chair, name="justify-minutes")
    chair.get_by_label("Ditt lösenord").fill("fel")
    chair.get_by_role("button", name="Justera", exact=True).click()
    assert "Lösenordet stämmer inte" in chair.locator("main").inner_text()
    assert_accessible(chair, name="justify-minutes-wrong-password")
    assert not JustificationSignature.objects.filter(meeting=meeting).exists()
    chair.get_by_label("Ditt lösenord").fill("demo")
    chair.get_by_role("button", name="Justera", exact=True).click()
    assert "Protokollet väntar på de andra" in status_message(chair)
    assert Statement.objects.get(pk=draft.pk).status == "decided"

    # The justerare, with her own account and password, completes the justering.
    justifier = as_user(browser, live_server, "justerare")
    justifier.goto(meeting_url)
    sign(justifier, link="Justera protokollet")
    assert "Protokollet är justerat och anslaget" in status_message(justifier)
    assert Statement.objects.get(pk=draft.pk).status == "delivered"

    # The protokoll names both, each with the moment they justified.
    signatures = {
        s.user.username: timezone.localtime(s.signed_at)
        for s in JustificationSignature.objects.filter(meeting=meeting).select_related("user")
    }
    assert set(signatures) == {"ordforande", "justerare"}
    justifier.goto(meeting_url)
    main = justifier.locator("main").inner_text()
    for name, username in [("Per Holm", "ordforande"), ("Lena Ek", "justerare")]:
        assert f"{name} justerade {signatures[username]:%Y-%m-%d %H:%M}" in main
    assert_accessible(justifier, name="meeting-justified")
    response = justifier.request.get(f"/sammantraden/{meeting.pk}/protokoll/")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
    text = " ".join(text.split())
    today = timezone.localdate()
    assert f"Protokollet justerades {today:%Y-%m-%d}" in text
    assert "Per Holm" in text and "Lena Ek" in text
    assert text.count(f"justerade digitalt {today:%Y-%m-%d}") == 2

    # Anyone, without logging in, reads the anslag on the anslagstavla.
    notice = Notice.objects.get(meeting=meeting)
    visitor = as_user(browser, live_server)
    visitor.goto("/anslagstavla/")
    assert_accessible(visitor, name="noticeboard")
    visitor.get_by_role("link", name=re.compile(f"sammanträde {meeting.date:%Y-%m-%d}")).click()
    main = visitor.locator("main").inner_text()
    assert f"Anslaget\n{notice.posted_on:%Y-%m-%d}" in main
    assert f"Sista dag för överklagande\n{notice.appeal_ends:%Y-%m-%d}" in main
    assert f"Anslaget tas ned\n{notice.takes_down_on:%Y-%m-%d}" in main
    assert "Förvaringsplats för protokollet" in main
    assert_accessible(visitor, name="notice")
    screenshot(visitor, "notice")
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.goto("/anslagstavla/")
    assert_accessible(visitor, name="noticeboard-390")
    for page in (secretary, chair, justifier, visitor):
        page.context.close()
