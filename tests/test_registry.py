"""Vårt dnr: the recipient's own registry number, entered in the portal, printed on the
statement and its PDF, and shown in the sender's compilation."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from remiss import pdf, registry, workflow
from remiss.models import Recipient, Statement, StatusEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def unregistered(sodermalm_recipient):
    Recipient.objects.filter(pk=sodermalm_recipient.pk).update(registration_number="")
    sodermalm_recipient.refresh_from_db()
    return sodermalm_recipient


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


class TestEntering:
    def test_the_handlaggare_enters_the_dnr_on_the_case_page_with_an_event(
        self, client, unregistered, handlaggare
    ):
        client.force_login(handlaggare)
        page = client.get(reverse("recipient", args=[unregistered.pk])).content.decode()
        assert "Inte registrerat" in page and "Registrera vårt dnr" in page

        response = client.post(
            reverse("recipient_register", args=[unregistered.pk]),
            {"registration_number": "  SÖD 2019/1102 "},
            follow=True,
        )

        body = response.content.decode()
        assert "Diarienumret är sparat." in body
        assert "<dt>Vårt dnr</dt><dd>SÖD 2019/1102" in body
        unregistered.refresh_from_db()
        assert unregistered.registration_number == "SÖD 2019/1102"
        event = unregistered.events.get(action=StatusEvent.Action.REGISTERED)
        assert (event.actor, event.comment) == (handlaggare, "Dnr SÖD 2019/1102")
        assert event.sentence == (
            "Eva-Lena Eirefelt registrerade ärendet i Södermalms stadsdelsnämnds diarium."
        )

    def test_the_registrator_may_and_the_secretary_may_not(
        self, unregistered, sodermalm, sekreterare
    ):
        registrator = make_user("registrator", sodermalm, "registrar")

        registry.register_case(recipient=unregistered, user=registrator, number="SÖD 2019/7")
        with pytest.raises(PermissionDenied):
            registry.register_case(recipient=unregistered, user=sekreterare, number="SÖD 2019/8")

        unregistered.refresh_from_db()
        assert unregistered.registration_number == "SÖD 2019/7"

    def test_another_organisation_gets_404_and_changes_nothing(
        self, client, unregistered, outsider
    ):
        client.force_login(outsider)

        response = client.post(
            reverse("recipient_register", args=[unregistered.pk]),
            {"registration_number": "KUN 2019/1"},
        )

        assert response.status_code == 404
        unregistered.refresh_from_db()
        assert unregistered.registration_number == ""

    def test_a_number_the_organisation_already_uses_is_refused_clearly(
        self, client, remiss, ks, sodermalm, unregistered, handlaggare
    ):
        from remiss.models import Remiss

        other = Remiss.objects.create(
            sender=ks, registration_number="KS 2019/9", title="Annan", deadline=remiss.deadline
        )
        Recipient.objects.create(remiss=other, organisation=sodermalm, registration_number="SÖD 1")
        client.force_login(handlaggare)

        response = client.post(
            reverse("recipient_register", args=[unregistered.pk]),
            {"registration_number": "SÖD 1"},
            follow=True,
        )

        assert "Södermalms stadsdelsnämnd har redan ett ärende med diarienumret SÖD 1." in (
            response.content.decode()
        )
        unregistered.refresh_from_db()
        assert unregistered.registration_number == ""
        assert not unregistered.events.filter(action=StatusEvent.Action.REGISTERED).exists()

    def test_an_empty_number_is_refused(self, unregistered, handlaggare):
        with pytest.raises(registry.RegistryError, match="Skriv diarienumret"):
            registry.register_case(recipient=unregistered, user=handlaggare, number="   ")

    def test_an_answered_case_keeps_the_number_it_had(self, unregistered, handlaggare):
        Recipient.objects.filter(pk=unregistered.pk).update(
            status=Recipient.Status.DELIVERED, delivered_at=timezone.now()
        )
        unregistered.refresh_from_db()

        with pytest.raises(workflow.TransitionError, match="redan besvarad"):
            registry.register_case(recipient=unregistered, user=handlaggare, number="SÖD 2")


class TestPrinted:
    def test_the_statement_page_and_its_pdf_print_our_dnr(
        self, client, unregistered, started, handlaggare
    ):
        registry.register_case(recipient=unregistered, user=handlaggare, number="SÖD 2019/4711")
        started.refresh_from_db()
        client.force_login(handlaggare)

        page = client.get(reverse("statement", args=[started.pk])).content.decode()
        text = pdf_text(pdf.statement_pdf(started))

        assert "<dt>Dnr</dt><dd>SÖD 2019/4711</dd>" in page
        assert "Dnr SÖD 2019/4711" in text

    def test_the_compilation_shows_their_dnr(
        self, client, remiss, unregistered, handlaggare, ks_samordnare
    ):
        registry.register_case(recipient=unregistered, user=handlaggare, number="SÖD 2019/4711")
        statement = Statement.objects.create(
            recipient=unregistered,
            case_officer=handlaggare,
            addressed_to="Södermalms stadsdelsnämnd",
            date=remiss.deadline,
            title=remiss.title,
            proposals=["Nämnden överlämnar tjänsteutlåtandet som svar på remissen."],
        )
        Recipient.objects.filter(pk=unregistered.pk).update(
            status=Recipient.Status.DELIVERED, delivered_at=timezone.now()
        )
        Statement.objects.filter(pk=statement.pk).update(
            status=Statement.Status.DELIVERED, signed_at=timezone.now()
        )
        client.force_login(ks_samordnare)

        body = client.get(reverse("compilation", args=[remiss.pk])).content.decode()

        row = body.split('<th scope="row">Södermalms stadsdelsnämnd</th>', 1)[1].split("</tr>")[0]
        assert "<td>SÖD 2019/4711</td>" in row
