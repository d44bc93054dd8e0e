"""The reply is what the nämnd decided (issue 12): bifall, bifall med ändringar, avslag with an
own yttrande, avslag without one. For each: what is delivered, and what kommunstyrelsen's status
board and compilation and the public pages show. A rejected statement is never the reply."""

import pytest
from django.test import Client
from django.urls import reverse

from remiss import drafting, pdf, replies, search, workflow
from remiss.compilation import build
from remiss.models import Decision, Recipient, Statement, StatusEvent, StoredDocument
from tests.justifying import justify_at_once

pytestmark = pytest.mark.django_db

SUMMARY = "Förvaltningen tillstyrker programmet i sin helhet."
VIEWS = "Krisberedskapen behöver övas varje år i stadsdelen."
AREA_VIEW = "Övningarna bör omfatta helgdagar."
PROPOSAL = "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen."
AMENDED_VIEWS = "Krisberedskapen behöver övas varje halvår i stadsdelen och i skolorna."
AMENDED_PROPOSAL = (
    "Stadsdelsnämnden överlämnar tjänsteutlåtandet, med nämndens ändringar, som svar."
)
OWN_TEXT = "Nämnden avstyrker programmet: det saknar finansiering för stadsdelarnas arbete."
MOVER = "Anna Berg (V)"


@pytest.fixture
def item(started, handlaggare, direktor, meeting, sekreterare, remiss):
    """The statement, written with a view on focus area 1, signed and on the agenda."""
    area = remiss.programme.focus_areas.order_by("number").first()
    text = drafting.StatementText(
        title=started.title,
        reference_line=started.reference_line,
        addressed_to=started.addressed_to,
        date=started.date,
        phone=started.phone,
        sections={"summary": SUMMARY, "views": VIEWS},
        proposals=[PROPOSAL],
        focus_area_views=[(area, AREA_VIEW)],
    )
    statement = drafting.save_statement(
        statement=started, user=handlaggare, base_version=started.version, text=text
    )
    workflow.submit(statement=statement, user=handlaggare)
    workflow.sign(statement=statement, user=direktor)
    return workflow.put_on_agenda(statement=statement, meeting=meeting, user=sekreterare)


def decide(item, sekreterare, **record) -> Decision:
    """The decision, justified at once (omedelbar justering: the secretary marks it, the chair
    and the justerare sign), so that its reply goes now."""
    decision = workflow.record_decision(
        item=item,
        user=sekreterare,
        record=workflow.DecisionRecord(
            text=record.pop("text", "Beslut."), immediate=True, **record
        ),
    )
    return justify_at_once(decision)


def page(user, url: str) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def status(user, url: str) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def urls(recipient: Recipient) -> dict[str, str]:
    remiss = recipient.remiss_id
    return {
        "board": reverse("remiss_status", args=[remiss]),
        "reply": reverse("reply", args=[remiss, recipient.pk]),
        "public": reverse("public_reply", args=[remiss, recipient.pk]),
        "public_remiss": reverse("public_remiss", args=[remiss]),
        "compilation": reverse("compilation", args=[remiss]),
        "case": reverse("recipient", args=[recipient.pk]),
    }


def compiled(recipient: Recipient):
    compilation = build(recipient.remiss)
    return compilation, next(
        (r for r in compilation.replies if r.recipient.pk == recipient.pk), None
    )


class TestBifall:
    def test_the_signed_statement_is_delivered_and_shown_as_the_reply(
        self, item, sekreterare, ks_samordnare
    ):
        decide(item, sekreterare, outcome=Decision.Outcome.ADOPTED)

        statement = Statement.objects.get(pk=item.statement_id)
        recipient = statement.recipient
        assert recipient.status == Recipient.Status.DELIVERED
        assert statement.status == Statement.Status.DELIVERED
        assert Statement.objects.public().filter(pk=statement.pk).exists()
        link = urls(recipient)
        assert "Läs svaret" in page(ks_samordnare, link["board"])
        assert SUMMARY in page(ks_samordnare, link["reply"])
        assert SUMMARY in page(None, link["public"])
        _, reply = compiled(recipient)
        assert (reply.decided.kind, reply.proposals) == ("statement", [PROPOSAL])
        assert ("Sammanfattning", SUMMARY) in reply.sections
        assert [view.text for view in reply.views] == [AREA_VIEW]
        assert set(
            StoredDocument.objects.filter(decision__item=item).values_list("kind", flat=True)
        ) == {"extract", "statement", "reply"}


class TestBifallMedAndringar:
    @pytest.fixture
    def decided(self, item, sekreterare):
        return decide(
            item,
            sekreterare,
            outcome=Decision.Outcome.ADOPTED_WITH_CHANGES,
            amendments={"views": AMENDED_VIEWS, "proposals": [AMENDED_PROPOSAL]},
        )

    def test_the_reply_is_the_statement_in_the_namnds_wording_and_the_statement_is_unchanged(
        self, decided
    ):
        statement = Statement.objects.get(pk=decided.item.statement_id)
        assert statement.recipient.status == Recipient.Status.DELIVERED
        # The tjänsteutlåtande stays as signed: it is the beslutsunderlag.
        assert (statement.views, statement.proposals) == (VIEWS, [PROPOSAL])
        assert decided.amendments == {"views": AMENDED_VIEWS, "proposals": [AMENDED_PROPOSAL]}

        reply = replies.read(statement.recipient)
        assert reply.decided.kind == "amended"
        assert reply.decided.proposals == [AMENDED_PROPOSAL]
        assert ("Synpunkter och förslag", AMENDED_VIEWS) in reply.decided.sections
        assert ("Sammanfattning", SUMMARY) in reply.decided.sections
        assert [change.heading for change in reply.decided.changes] == [
            "Förslag till beslut",
            "Synpunkter och förslag",
        ]

    def test_the_pages_and_the_compilation_show_the_changed_text_with_the_changes_marked(
        self, decided, ks_samordnare
    ):
        recipient = Recipient.objects.get(pk=decided.item.statement.recipient_id)
        link = urls(recipient)
        for html in (page(ks_samordnare, link["reply"]), page(None, link["public"])):
            assert "Nämndens ändringar" in html
            assert '<span class="visually-hidden">Borttaget: </span>år' in html
            assert '<span class="visually-hidden">Tillagt: </span>halvår' in html
            assert AMENDED_VIEWS in html  # the reply in the nämnd's wording
            assert AMENDED_PROPOSAL in html
        _, reply = compiled(recipient)
        assert ("Synpunkter och förslag", AMENDED_VIEWS) in reply.sections
        assert ("Synpunkter och förslag", VIEWS) not in reply.sections
        assert reply.proposals == [AMENDED_PROPOSAL]
        assert "Med nämndens ändringar" in page(ks_samordnare, link["compilation"])

    def test_the_reply_pdf_prints_the_namnds_wording_with_the_changes_marked(self, decided):
        statement = Statement.objects.get(pk=decided.item.statement_id)
        html = pdf.statement_html(statement, decided=replies.decided_reply(statement, decided))

        assert "Yttrande i nämndens lydelse" in html
        assert "<ins>" in html and "<del>" in html
        assert AMENDED_VIEWS in html and AMENDED_PROPOSAL in html
        # The tjänsteutlåtande as archived is the administration's, unchanged.
        assert AMENDED_VIEWS not in pdf.statement_html(statement)

    def test_a_decision_with_changes_needs_the_changed_wording(self, item, sekreterare):
        with pytest.raises(workflow.TransitionError, match="ändrade lydelse"):
            decide(
                item,
                sekreterare,
                outcome=Decision.Outcome.ADOPTED_WITH_CHANGES,
                changes="Nämnden ändrar något.",
                amendments={"views": VIEWS},  # the same text is no change
            )
        assert not Decision.objects.exists()


class TestAvslagMedEgetYttrande:
    @pytest.fixture
    def decided(self, item, sekreterare):
        return decide(
            item,
            sekreterare,
            outcome=Decision.Outcome.REJECTED,
            text="Nämnden avslår förvaltningens förslag och antar Vänsterpartiets yttrande.",
            proposals=[
                ("Per Holm (M)", "adopt", ""),
                (MOVER, "reject", OWN_TEXT),
            ],
            reply_proposal=1,
        )

    def test_the_own_yttrande_is_delivered_and_the_rejected_statement_is_not(self, decided):
        statement = Statement.objects.get(pk=decided.item.statement_id)
        assert statement.recipient.status == Recipient.Status.DELIVERED
        assert statement.status == Statement.Status.JUSTIFIED  # never delivered
        assert decided.adopted_proposal.mover == MOVER
        assert not Statement.objects.public().filter(pk=statement.pk).exists()
        assert not Statement.objects.delivered().filter(pk=statement.pk).exists()
        reply = replies.read(statement.recipient)
        assert (reply.decided.kind, reply.decided.own_text) == ("own", OWN_TEXT)
        assert reply.focus_area_views == [] and reply.statement_attachments == []

    def test_the_pages_compilation_and_search_show_the_own_text_never_the_rejected_one(
        self, decided, ks_samordnare, outsider
    ):
        recipient = Recipient.objects.get(pk=decided.item.statement.recipient_id)
        link = urls(recipient)
        for html in (page(ks_samordnare, link["reply"]), page(None, link["public"])):
            assert OWN_TEXT in html
            assert SUMMARY not in html and VIEWS not in html and AREA_VIEW not in html
        compilation, reply = compiled(recipient)
        assert reply.sections == [("Nämndens yttrande", OWN_TEXT)]
        assert reply.views == [] and reply.proposals == []
        assert all(
            entry[0] is not reply for area in compilation.focus_areas for entry in area.entries
        )
        assert any(row.views == OWN_TEXT for row in compilation.rows())
        assert AREA_VIEW not in page(ks_samordnare, link["compilation"])
        # Another recipient of the remiss, and the public, do not find the rejected text.
        assert search.search(outsider, "tillstyrker") == []

    def test_the_reply_pdf_is_the_own_yttrande(self, decided, ks_samordnare):
        from pypdf import PdfReader

        from remiss import documents

        documents.render_pending(decided.pk)
        reply = StoredDocument.objects.get(decision=decided, kind="reply")
        assert reply.state == "ready", reply.error
        with documents.open_verified(reply) as handle:
            text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
        text = " ".join(text.split())
        assert "Nämnden avstyrker programmet" in text
        assert "tillstyrker programmet i sin helhet" not in text

    def test_an_own_yttrande_needs_a_yrkande_with_a_text(self, item, sekreterare):
        with pytest.raises(workflow.TransitionError, match="yrkande"):
            decide(
                item,
                sekreterare,
                outcome=Decision.Outcome.REJECTED,
                proposals=[(MOVER, "reject", "")],
                reply_proposal=0,
            )
        with pytest.raises(workflow.TransitionError, match="avslår"):
            decide(
                item,
                sekreterare,
                outcome=Decision.Outcome.ADOPTED,
                proposals=[(MOVER, "reject", OWN_TEXT)],
                reply_proposal=0,
            )
        assert not Decision.objects.exists()


class TestAvslagUtanEgetYttrande:
    def test_nothing_is_delivered_and_the_case_and_board_say_the_namnd_answers_later(
        self, item, sekreterare, ks_samordnare, handlaggare
    ):
        decision = decide(item, sekreterare, outcome=Decision.Outcome.REJECTED, text="Avslag.")

        recipient = Recipient.objects.get(pk=item.statement.recipient_id)
        statement = Statement.objects.get(pk=item.statement_id)
        assert recipient.status == Recipient.Status.AWAITING
        assert recipient.delivered_at is None
        assert recipient.next_step == "answer_later"
        assert decision.next_step == "answer_later" and decision.justified_on is not None
        # The administration writes a new proposal: the statement is a draft again, unsigned.
        assert (statement.status, statement.signed_at) == (Statement.Status.DRAFT, None)
        assert StatusEvent.objects.filter(
            recipient=recipient, action=StatusEvent.Action.REJECTED
        ).exists()
        assert not StatusEvent.objects.filter(
            recipient=recipient, action=StatusEvent.Action.DELIVERED
        ).exists()
        assert not StoredDocument.objects.filter(kind="reply").exists()

        link = urls(recipient)
        board = page(ks_samordnare, link["board"])
        assert "Nämnden avslog förslaget och svarar senare" in board
        assert link["reply"] not in board
        assert status(ks_samordnare, link["reply"]) == 404
        assert status(None, link["public"]) == 404
        _, reply = compiled(recipient)
        assert reply is None
        assert SUMMARY not in page(ks_samordnare, link["compilation"])
        assert "Nämnden avslog förslaget och svarar senare" in page(handlaggare, link["case"])

    def test_the_namnd_may_ask_for_an_extension_and_the_case_offers_it(
        self, item, sekreterare, handlaggare, ks_samordnare
    ):
        decide(
            item,
            sekreterare,
            outcome=Decision.Outcome.REJECTED,
            text="Avslag.",
            next_step="request_extension",
        )

        recipient = Recipient.objects.get(pk=item.statement.recipient_id)
        assert (recipient.status, recipient.next_step) == ("awaiting", "request_extension")
        case = page(handlaggare, urls(recipient)["case"])
        assert "begär anstånd nedan" in case
        assert reverse("extension_request", args=[recipient.pk]) in case
        assert "begär anstånd" in page(ks_samordnare, urls(recipient)["board"])

    def test_the_namnd_may_decline_with_its_reason(self, item, sekreterare, ks_samordnare):
        decide(
            item,
            sekreterare,
            outcome=Decision.Outcome.REJECTED,
            text="Avslag.",
            next_step="decline",
            next_step_reason="Programmet berör inte nämndens ansvar.",
        )

        recipient = Recipient.objects.get(pk=item.statement.recipient_id)
        assert recipient.status == Recipient.Status.DECLINED
        assert "Programmet berör inte nämndens ansvar." in recipient.declined_reason
        assert "Programmet berör inte nämndens ansvar." in page(
            ks_samordnare, urls(recipient)["board"]
        )
        assert Statement.objects.get(pk=item.statement_id).status == Statement.Status.JUSTIFIED

    def test_declining_needs_a_reason(self, item, sekreterare):
        with pytest.raises(workflow.TransitionError, match="skälet"):
            decide(item, sekreterare, outcome=Decision.Outcome.REJECTED, next_step="decline")
        assert not Decision.objects.exists()


class TestTheDecisionForm:
    def test_the_secretary_records_changes_per_section_in_the_form(self, client, item, sekreterare):
        client.force_login(sekreterare)
        url = reverse("decision_record", args=[item.meeting.pk, item.number])
        form = client.get(url).content.decode()
        assert "Synpunkter och förslag, i nämndens lydelse" in form
        management = {
            f"{prefix}-{key}": value
            for prefix in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
            for key, value in [("TOTAL_FORMS", 1), ("INITIAL_FORMS", 0)]
        }
        response = client.post(
            url,
            {
                "outcome": "adopted_with_changes",
                "text": "Bifall med ändringar.",
                "amend_summary": SUMMARY,
                "amend_views": AMENDED_VIEWS.replace(" ", " ", 1) + "\r\n",
                "amend_proposals": f"{PROPOSAL}\r\n",
                **management,
            },
        )

        assert response.status_code == 302
        # Only what differs from the statement is the nämnd's change.
        assert Decision.objects.get().amendments == {"views": AMENDED_VIEWS}

    def test_the_secretary_marks_the_yrkande_whose_text_the_namnd_adopted(
        self, client, item, sekreterare
    ):
        client.force_login(sekreterare)
        url = reverse("decision_record", args=[item.meeting.pk, item.number])
        management = {
            f"{prefix}-{key}": value
            for prefix in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
            for key, value in [("TOTAL_FORMS", 1), ("INITIAL_FORMS", 0)]
        }
        response = client.post(
            url,
            {
                "outcome": "rejected",
                "text": "Avslag; Vänsterpartiets yttrande antas.",
                "yrkanden-0-mover": MOVER,
                "yrkanden-0-kind": "reject",
                "yrkanden-0-text": OWN_TEXT,
                "yrkanden-0-adopted": "on",
                **management,
            },
        )

        assert response.status_code == 302
        decision = Decision.objects.get()
        assert decision.adopted_proposal.text == OWN_TEXT
        assert decision.next_step == ""


def test_a_correction_before_justification_may_change_the_namnds_wording(item, sekreterare):
    from remiss.models import MeetingEvent

    decision = workflow.record_decision(
        item=item,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome=Decision.Outcome.ADOPTED, text="Bifall."),
    )

    workflow.correct_decision(
        decision=decision,
        user=sekreterare,
        reason="Nämnden ändrade synpunkterna.",
        record=workflow.DecisionRecord(
            outcome=Decision.Outcome.ADOPTED_WITH_CHANGES,
            text="Bifall med ändringar.",
            amendments={"views": AMENDED_VIEWS},
        ),
    )

    decision.refresh_from_db()
    assert decision.amendments == {"views": AMENDED_VIEWS}
    event = MeetingEvent.objects.get(action=MeetingEvent.Action.DECISION_CORRECTED)
    assert event.changes["ändrad lydelse"] == ["", f"views: {AMENDED_VIEWS}"]
    # Nothing is delivered before the justification.
    assert Recipient.objects.get(pk=item.statement.recipient_id).status == "awaiting"
