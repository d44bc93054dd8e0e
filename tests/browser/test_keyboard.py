"""The decision page from the keyboard alone: a secretary records a decision without a mouse."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from remiss import council, workflow
from remiss.models import Decision, Meeting
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_decision_is_recorded_with_the_keyboard_only(page, draft, assert_accessible):
    users = get_user_model().objects.in_bulk(
        ["handlaggare", "direktor", "sekreterare", "ordforande", "justerare"], field_name="username"
    )
    workflow.submit(statement=draft, user=users["handlaggare"])
    workflow.sign(statement=draft, user=users["direktor"])
    meeting = Meeting.objects.create(
        organisation=draft.recipient.organisation,
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
    item = workflow.put_on_agenda(statement=draft, meeting=meeting, user=users["sekreterare"])
    log_in(page, "sekreterare")
    page.goto(f"/sammantraden/{meeting.pk}/paragrafer/{item.number}/beslut/")

    page.get_by_label("Bifall", exact=True).focus()
    page.keyboard.press("Space")
    assert page.get_by_label("Bifall", exact=True).is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_text"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_immediate"
    page.keyboard.press("Space")
    for _ in range(60):  # Tab on to the submit button; every stop on the way is a form control
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Protokollför beslutet":
            break
    page.keyboard.press("Enter")

    assert "protokollfört" in page.get_by_role("status").inner_text()
    decision = Decision.objects.get(item=item)
    assert (decision.outcome, decision.immediate) == ("adopted", True)
    assert_accessible(page, name="keyboard-paragraph")
