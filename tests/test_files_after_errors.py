"""A file input is never refilled by the browser: when a form comes back without saving, the page
says which file must be chosen again, beside the field and in the error summary, and nothing of
the file is stored."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from remiss.models import Attachment, Remiss
from tests.conftest import editor_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Förslag</p>").write_pdf()


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def remiss_data(programme, **changes) -> dict:
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    return {
        "registration_number": "KS 2026/901",
        "title": "Stockholms stads trygghetsprogram",
        "programme": programme.pk,
        "description": "Förslaget remitteras.",
        "deadline": deadline.isoformat(),
        "groups": ["district_councils"],
        **changes,
    }


def test_a_new_remiss_with_an_error_asks_for_the_chosen_file_again(
    client, ks_samordnare, sodermalm, programme, media
):
    client.force_login(ks_samordnare)
    data = remiss_data(programme, deadline="2019-01-01")
    data["file"] = SimpleUploadedFile("Trygghetsprogram.pdf", pdf_bytes(), "application/pdf")

    response = client.post(reverse("remiss_create"), data)

    body = response.content.decode()
    asked = "Välj filen ”Trygghetsprogram.pdf” igen"
    assert response.status_code == 200
    assert f'<a href="#id_file">Remisshandling: {asked}' in body  # in the error summary
    assert body.count(asked) == 2  # and beside the field
    assert "Svarsdatum måste ligga efter i dag." in body
    assert Remiss.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_a_new_remiss_with_a_refused_file_says_why_and_does_not_also_ask_for_it_again(
    client, ks_samordnare, sodermalm, programme, media
):
    client.force_login(ks_samordnare)
    data = remiss_data(programme)
    data["file"] = SimpleUploadedFile("förslag.pdf", b"<html>inte pdf</html>")

    body = client.post(reverse("remiss_create"), data).content.decode()

    assert "vad filnamnet än säger" in body
    assert "Välj filen" not in body
    assert Remiss.objects.count() == 0


def test_a_new_remiss_with_an_error_and_no_file_asks_for_no_file(
    client, ks_samordnare, sodermalm, programme
):
    client.force_login(ks_samordnare)

    body = client.post(
        reverse("remiss_create"), remiss_data(programme, deadline="2019-01-01")
    ).content.decode()

    assert "Svarsdatum måste ligga efter i dag." in body
    assert "Välj filen" not in body


def test_writing_the_text_from_the_steps_asks_for_the_chosen_file_again_and_stores_nothing(
    client, started, handlaggare, media
):
    client.force_login(handlaggare)
    data = editor_post(started, summary="Min text.", action="suggest")
    data.update(
        {
            "steps-TOTAL_FORMS": 1,
            "steps-0-kind": "pensioners_council",
            "steps-0-who": "Pensionärsrådet",
            "steps-0-date": "2026-01-15",
        }
    )
    data["file"] = SimpleUploadedFile("Bilaga 1.pdf", pdf_bytes(), "application/pdf")

    response = client.post(reverse("statement_edit", args=[started.pk]), data)

    body = response.content.decode()
    asked = "Välj filen ”Bilaga 1.pdf” igen: ingenting sparades"
    assert response.status_code == 200
    assert f'<a href="#id_file">Ny bilaga: {asked}' in body
    assert body.count(asked) == 2
    assert "Min text." in body
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
    started.refresh_from_db()
    assert started.version == 1


def test_a_save_with_an_error_asks_for_the_chosen_file_again(client, started, handlaggare, media):
    client.force_login(handlaggare)
    data = editor_post(started, title="", summary="Texten som inte får försvinna.")
    data["file"] = SimpleUploadedFile("Bilaga 1.pdf", pdf_bytes(), "application/pdf")

    response = client.post(reverse("statement_edit", args=[started.pk]), data)

    body = response.content.decode()
    assert '<a href="#id_file">Ny bilaga: Välj filen ”Bilaga 1.pdf” igen' in body
    assert "Texten som inte får försvinna." in body
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
    started.refresh_from_db()
    assert started.version == 1
