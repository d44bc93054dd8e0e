"""Ledamöter and ersättare see the administration's statement only once it stands on an issued
agenda (kallelse utfärdad), never while it is drafted (issue 12). Every statement URL, asked by a
ledamot and an ersättare, before and after the kallelse: 404 before."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from remiss import drafting, search, workflow
from remiss.models import Attachment, Membership, Seat, Statement
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The PDF is a preview kept in storage (remiss/previews.py): here, not in the project."""
    settings.MEDIA_ROOT = tmp_path


# Every page that reads the statement (GET), and every one that changes it (POST).
READING = [
    ("statement", ""),
    ("statement_preview", ""),
    ("statement_versions", ""),
    ("statement_compare", "?fran=1&till=2"),
    ("statement_pdf", ""),
    ("statement_docx", ""),
]
CHANGING = [
    "statement_edit",
    "statement_autosave",
    "statement_autosave_discard",
    "statement_submit",
    "statement_return",
    "statement_sign",
    "statement_withdraw",
    "statement_answer_on_delegation",
]
DRAFT_WORDS = "Förvaltningens arbetsutkast om krisledning"


@pytest.fixture
def politicians(council):
    """A ledamot and an ersättare of the council (council seats), and a ledamot by role only."""
    member = next(seat.person for seat in council if seat.kind == Seat.Kind.MEMBER)
    substitute = next(seat.person for seat in council if seat.kind == Seat.Kind.SUBSTITUTE)
    return [member, substitute, make_user("ledamot", council[0].organisation, Role.MEMBER)]


@pytest.fixture
def attachment(started, handlaggare):
    attachment = Attachment(
        statement=started,
        title="Krisledningsplan",
        original_name="plan.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=10,
        sha256=hashlib.sha256(b"PK\x03\x04 docx").hexdigest(),
        uploaded_by=handlaggare,
    )
    attachment.file.save("plan.docx", ContentFile(b"PK\x03\x04 docx"), save=True)
    # A second version, so that there are two to compare; then the draft's words.
    drafting.restore_version(statement=started, user=handlaggare, number=1, base_version=1)
    Statement.objects.filter(pk=started.pk).update(summary=DRAFT_WORDS)
    return Attachment.objects.select_related("statement").get(pk=attachment.pk)


def answers(user, statement, attachment) -> dict[str, int]:
    client = Client()
    client.force_login(user)
    found = {
        name: client.get(reverse(name, args=[statement.pk]) + query).status_code
        for name, query in READING
    }
    found["attachment"] = client.get(reverse("attachment", args=[attachment.pk])).status_code
    for name in CHANGING:
        found[name] = client.post(reverse(name, args=[statement.pk]), {}).status_code
    return found


def test_a_ledamot_sees_nothing_of_a_draft(started, attachment, politicians, handlaggare):
    for person in politicians:
        assert set(answers(person, started, attachment).values()) == {404}, person
        case = Client()
        case.force_login(person)
        page = case.get(reverse("recipient", args=[started.recipient_id])).content.decode()
        assert reverse("statement", args=[started.pk]) not in page
        assert "visas för nämndens ledamöter och ersättare när kallelsen" in page
        assert search.search(person, "krisledning") == []
    # The administration still reads and finds it.
    assert answers(handlaggare, started, attachment)["statement"] == 200
    assert len(search.search(handlaggare, "krisledning")) == 1


def test_a_ledamot_sees_the_statement_once_the_kallelse_is_issued(
    attachment, politicians, handlaggare, direktor, meeting, sekreterare
):
    statement = attachment.statement
    workflow.submit(statement=statement, user=handlaggare)
    workflow.sign(statement=statement, user=direktor)
    workflow.put_on_agenda(statement=statement, meeting=meeting, user=sekreterare)

    # On the agenda, but the kallelse is not issued: still nothing.
    for person in politicians:
        assert set(answers(person, statement, attachment).values()) == {404}, person

    workflow.issue_agenda(meeting=meeting, user=sekreterare)

    for person in politicians:
        found = answers(person, statement, attachment)
        assert all(found[name] == 200 for name, _ in READING), (person, found)
        assert found["attachment"] == 200
        # Reading is all they may do: every change is refused, no longer hidden.
        assert all(found[name] in (302, 400, 403) for name in CHANGING), (
            person,
            sorted(found.items()),
        )
        assert Statement.objects.get(pk=statement.pk).status == Statement.Status.ON_AGENDA
        assert [hit.title for hit in search.search(person, "krisledning")] == [statement.title]


def test_a_statement_sent_back_is_a_draft_again_and_hidden_again(
    attachment, politicians, handlaggare, direktor, meeting, sekreterare
):
    statement = attachment.statement
    workflow.submit(statement=statement, user=handlaggare)
    workflow.sign(statement=statement, user=direktor)
    item = workflow.put_on_agenda(statement=statement, meeting=meeting, user=sekreterare)
    workflow.issue_agenda(meeting=meeting, user=sekreterare)
    workflow.record_decision(
        item=item,
        user=sekreterare,
        record=workflow.DecisionRecord(outcome="referred_back", text="Återremiss."),
    )

    for person in politicians:
        assert answers(person, statement, attachment)["statement"] == 404
