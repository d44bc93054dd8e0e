"""Every bad upload of the corpus (tests/test_uploads.py), posted as a user would: refused with
the reason on the page, the text kept, and nothing stored — no row, no file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from remiss.models import Attachment
from tests.conftest import editor_post
from tests.test_uploads import BAD_UPLOADS, LIMIT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "build", "code", "phrase"), BAD_UPLOADS)
def test_a_bad_upload_is_refused_and_nothing_is_stored(
    client, started, handlaggare, settings, tmp_path, name, build, code, phrase
):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = LIMIT
    client.force_login(handlaggare)
    data = editor_post(started, summary="Texten som inte får försvinna.")
    data["file"] = SimpleUploadedFile(name, build(), "application/pdf")

    response = client.post(reverse("statement_edit", args=[started.pk]), data)

    body = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_file">Ny bilaga: ' in body  # the reason, in the error summary
    assert "Texten som inte får försvinna." in body
    assert Attachment.objects.count() == 0
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    started.refresh_from_db()
    assert started.version == 1
