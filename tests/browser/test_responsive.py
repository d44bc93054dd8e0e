"""Every page of the journey, on a phone (390×844) and on a laptop (1280×900): the page is never
wider than the window (tables scroll inside their own box or become cards, long notes wrap), and
axe-core finds no WCAG 2.1 A/AA violation at either width.

The demo data is built once; each width has one browser context, in which each person logs in
in turn. Every failure is collected, so one run lists every page that overflows."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from remiss import drafting, workflow
from remiss.models import Meeting, Organisation, Recipient, Remiss
from tests.browser.accessibility import axe_violations, describe, save_report
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(390, 844), (1280, 900)]

# Long text without spaces must wrap too (a pasted address, a long compound word).
LONG_WORD = "https://www.stockholm.se/" + "trygghetsprogrammetsuppföljning" * 4
LONG_NOTE = (
    "Förvaltningen har berett ärendet tillsammans med pensionärsrådet och rådet för "
    "funktionshinderfrågor. " * 6
)


def journey_pages(draft) -> dict[str | None, list[tuple[str, str]]]:
    """(name, address) of every page of the journey, per person (None: not logged in)."""
    User = get_user_model()
    officer = User.objects.get(username="handlaggare")
    secretary = User.objects.get(username="sekreterare")
    # A second version with long text, so there is something to compare and to wrap.
    drafting.save_statement(
        statement=draft,
        user=officer,
        base_version=draft.version,
        text=drafting.StatementText(
            title=draft.title,
            reference_line=draft.reference_line,
            addressed_to=draft.addressed_to,
            date=draft.date,
            phone=draft.phone,
            sections={"summary": LONG_NOTE, "background": LONG_WORD},
            proposals=list(draft.proposals) or ["Nämnden besvarar remissen."],
        ),
    )
    sodermalm = Organisation.objects.get(registry_prefix="SÖD")
    meeting = Meeting.objects.create(
        organisation=sodermalm,
        date=datetime.date.today() + datetime.timedelta(days=7),
        place="Södermalmsrummet",
        chair=User.objects.get(username="ordforande"),
        secretary=secretary,
    )
    meeting.justifiers.add(User.objects.get(username="justerare"))
    item = workflow.add_agenda_item(meeting=meeting, user=secretary, title=LONG_NOTE[:200])
    delivered = Recipient.objects.get(status=Recipient.Status.DELIVERED, organisation=sodermalm)
    answered = delivered.remiss
    sent = Remiss.objects.exclude(pk=answered.pk).get()
    old_meeting = Meeting.objects.exclude(pk=meeting.pk).get()
    statement = draft.pk
    reviewed = _returned_and_resubmitted(sodermalm, answered.sender, officer)
    to_justify = _held_and_decided(sodermalm, secretary)
    return {
        None: [
            ("login", reverse("login")),
            ("public-list", reverse("public_remisses")),
            ("public-remiss", reverse("public_remiss", args=[answered.pk])),
            ("public-reply", reverse("public_reply", args=[answered.pk, delivered.pk])),
            ("accessibility", reverse("accessibility")),
            ("help-public", reverse("help")),
            ("not-found", "/finns-inte/"),
        ],
        "handlaggare": [
            ("inbox-officer", reverse("start")),
            ("case-open", reverse("recipient", args=[draft.recipient_id])),
            ("case-answered", reverse("recipient", args=[delivered.pk])),
            ("statement", reverse("statement", args=[statement])),
            ("statement-edit", reverse("statement_edit", args=[statement])),
            ("statement-preview", reverse("statement_preview", args=[statement])),
            ("statement-versions", reverse("statement_versions", args=[statement])),
            (
                "statement-compare",
                reverse("statement_compare", args=[statement]) + "?fran=1&till=2",
            ),
            ("search", reverse("search") + "?q=säkerhetsprogram"),
            ("help", reverse("help")),
            ("notices", reverse("notices")),
        ],
        "direktor": [
            ("inbox-director", reverse("start")),
            ("statement-review", reverse("statement", args=[reviewed.pk])),
            ("statement-sign", reverse("statement_sign", args=[reviewed.pk])),
        ],
        "sekreterare": [
            ("inbox-secretary", reverse("start")),
            ("meetings", reverse("meetings")),
            ("meeting-new", reverse("meeting_create")),
            ("meeting", reverse("meeting", args=[meeting.pk])),
            ("meeting-held", reverse("meeting", args=[old_meeting.pk])),
            ("paragraph", reverse("paragraph", args=[old_meeting.pk, 1])),
            ("decision-form", reverse("decision_record", args=[meeting.pk, item.number])),
        ],
        "justerare": [
            ("inbox-justifier", reverse("start")),
            # Justering and the anslagstavla (issue 12)
            ("justify", reverse("meeting_justify", args=[to_justify.pk])),
            ("noticeboard", reverse("noticeboard")),
            ("noticeboard-archive", reverse("noticeboard_archive")),
        ],
        "ks": [
            ("inbox-ks", reverse("start")),
            ("remiss-new", reverse("remiss_create")),
            ("board-answered", reverse("remiss_status", args=[answered.pk])),
            ("board-open", reverse("remiss_status", args=[sent.pk])),
            ("reply", reverse("reply", args=[answered.pk, delivered.pk])),
            ("compilation", reverse("compilation", args=[answered.pk])),
            # Kommunstyrelsen's round (issue 16)
            ("remiss-change", reverse("remiss_change", args=[sent.pk])),
            ("remiss-add", reverse("remiss_add_recipients", args=[sent.pk])),
            (
                "reply-register",
                reverse("reply_register", args=[sent.pk, sent.recipients.first().pk]),
            ),
            ("incoming", reverse("incoming_create")),
        ],
    }


def _held_and_decided(organisation, secretary) -> Meeting:
    """A meeting held yesterday, every paragraph decided, its protokoll still to justify: the
    justerare's signing page shows the text to justify."""
    from remiss.models import Seat

    day = datetime.date.today() - datetime.timedelta(days=1)
    held = workflow.create_meeting(
        organisation=organisation,
        user=secretary,
        new=workflow.NewMeeting(date=day, starts_at=datetime.time(18), place="Stadshuset"),
    )
    people = get_user_model().objects
    workflow.record_attendance(
        meeting=held,
        user=secretary,
        rows=[
            workflow.AttendanceRow(user_id=seat.person_id)
            for seat in Seat.objects.on(organisation.pk, day).filter(kind=Seat.Kind.MEMBER)
        ],
        chair=people.get(username="ordforande"),
        justifiers=[people.get(username="justerare")],
    )
    item = workflow.add_agenda_item(meeting=held, user=secretary, title=LONG_NOTE[:200])
    workflow.record_decision(
        item=item, user=secretary, record=workflow.DecisionRecord(outcome="adopted", text=LONG_NOTE)
    )
    return held


def _returned_and_resubmitted(organisation, sender, officer):
    """A statement in review again after a return, with long text: the review form beside
    each part, and the changes since the return."""
    director = get_user_model().objects.get(username="direktor")
    remiss = Remiss.objects.create(
        sender=sender,
        registration_number="KS 2026/999",
        title="Granskas igen",
        sent_on=datetime.date.today(),
        deadline=datetime.date.today() + datetime.timedelta(days=30),
    )
    recipient = Recipient.objects.create(remiss=remiss, organisation=organisation)
    statement = drafting.start_statement(recipient=recipient, user=officer)
    workflow.submit(statement=statement, user=officer)
    workflow.return_to_draft(
        statement=statement,
        user=director,
        comment=LONG_NOTE,
        section_comments={"summary": LONG_WORD, "proposals": "Fler punkter."},
    )
    statement.refresh_from_db()
    drafting.save_statement(
        statement=statement,
        user=officer,
        base_version=statement.version,
        text=drafting.StatementText(
            title=statement.title,
            reference_line=statement.reference_line,
            addressed_to=statement.addressed_to,
            date=statement.date,
            phone=statement.phone,
            sections={"summary": LONG_NOTE, "background": LONG_WORD},
            proposals=["Nämnden besvarar remissen.", LONG_WORD],
        ),
    )
    return workflow.submit(statement=statement, user=officer)


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_every_page_fits_a_phone_and_a_laptop_without_sideways_scrolling(
    browser, live_server, draft, axe_script, width, height
):
    """One test per width, so that the suite's workers can share them."""
    pages = journey_pages(draft)
    problems = []
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    for username, visits in pages.items():
        context.clear_cookies()
        if username:
            log_in(page, username)
        for name, address in visits:
            label = f"{name}-{width}"
            response = page.goto(address)
            expected = 404 if name == "not-found" else 200
            if response.status != expected:
                problems.append(f"{label}: {address} svarade {response.status}")
                continue
            document_width, window_width = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if document_width > window_width:
                screenshot(page, f"responsive-{label}")
                # The outermost elements that reach past the window: where to look first.
                culprits = page.evaluate(
                    """(width) => [...document.querySelectorAll('body *')]
                      .filter(e => e.getBoundingClientRect().right > width + 1)
                      .filter(e => !(e.parentElement
                        && e.parentElement.getBoundingClientRect().right > width + 1))
                      .slice(0, 5)
                      .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
                        + ' ' + (e.textContent || '').trim().slice(0, 40))""",
                    window_width,
                )
                problems.append(
                    f"{label}: {culprits} "
                    f"{address} är {document_width} px bred i ett fönster på "
                    f"{window_width} px"
                )
            violations = axe_violations(page, axe_script)
            save_report(violations, name=f"responsive-{label}", url=page.url)
            if violations:
                problems.append(describe(violations, name=label, url=page.url))
    context.close()
    assert not problems, "\n\n".join(problems)
