"""Fixtures for the open-data and archive tests (issue 18): a delivered, archived reply from
Södermalm, a draft at Kungsholmen, and a remiss not yet sent."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile

from remiss import documents, drafting, workflow
from remiss.models import Attachment, Membership, Recipient, Remiss, StoredDocument
from tests.justifying import justify_at_once

__all__ = [
    "archived",
    "fresh_api_rate_limits",
    "kungsholmen_draft",
    "ledamot",
    "media",
    "remiss_document",
    "unsent",
]

DRAFT_SECRET = "Utkastet som ingen utanför Kungsholmen får läsa."


@pytest.fixture(autouse=True)
def fresh_api_rate_limits():
    """Every test starts with the APIs' rate-limit counters at zero (they live in the cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def archived(media, on_agenda, sekreterare, ordforande, justerare):
    """Södermalm's reply: adopted with immediate justification, delivered, its three PDFs
    rendered and stored."""
    decision = justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(
                outcome="adopted", text="Nämnden överlämnar utlåtandet.", immediate=True
            ),
        )
    )
    documents.render_pending(decision.pk)
    assert (
        StoredDocument.objects.filter(decision=decision, state=StoredDocument.State.READY).count()
        == 3
    )
    return decision


REMISS_DOCUMENT = b"%PDF-1.4 remissversion av programmet"


@pytest.fixture
def remiss_document(remiss, media):
    """The draft programme sent on remiss, as the sender attached it."""
    attachment = Attachment(
        remiss=remiss,
        title="Remissversion av programmet",
        original_name="program.pdf",
        content_type="application/pdf",
        size=len(REMISS_DOCUMENT),
        sha256=hashlib.sha256(REMISS_DOCUMENT).hexdigest(),
    )
    attachment.file.save("program.pdf", ContentFile(REMISS_DOCUMENT), save=True)
    return attachment


@pytest.fixture
def kungsholmen_draft(remiss, kungsholmen):
    """Kungsholmen has started writing: a draft, not public."""
    from tests.conftest import make_user

    writer = make_user("kun_writer", kungsholmen, Membership.Role.CASE_OFFICER)
    recipient = remiss.recipients.get(organisation=kungsholmen)
    statement = drafting.start_statement(recipient=recipient, user=writer)
    statement.summary = DRAFT_SECRET
    statement.save()
    return statement


@pytest.fixture
def unsent(ks, sodermalm):
    remiss = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2020/77",
        title="Ännu inte skickad remiss",
        deadline=datetime.date(2020, 6, 1),
    )
    Recipient.objects.create(remiss=remiss, organisation=sodermalm)
    return remiss


@pytest.fixture
def ledamot(sodermalm):
    from tests.conftest import make_user

    return make_user(
        "ledamot", sodermalm, Membership.Role.MEMBER, first_name="Sara", last_name="Lind"
    )
