"""Every bad upload of the corpus (tests/test_uploads.py), posted as a user would: refused with
the reason on the page, the text kept, and nothing stored — no row, no file."""

import os

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


def test_a_file_over_the_limit_stops_being_kept_the_moment_it_passes_it(
    client, started, handlaggare, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # so the file streams to disk, as a large one does
    settings.ATTACHMENT_MAX_BYTES = 10_000
    client.force_login(handlaggare)
    data = editor_post(started, summary="Texten som inte får försvinna.")
    data["file"] = SimpleUploadedFile("stor.pdf", b"%PDF-1.7\n" + b"x" * 200_000, "application/pdf")

    response = client.post(reverse("statement_edit", args=[started.pk]), data)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Filen är större än 9,77 kB" in body
    assert "Texten som inte får försvinna." in body
    assert Attachment.objects.count() == 0
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    started.refresh_from_db()
    assert started.version == 1


def test_the_part_already_received_is_deleted_as_soon_as_the_limit_is_passed(settings, rf):
    from remiss.uploads import RefusedUpload, SizeLimitedUploadHandler

    settings.ATTACHMENT_MAX_BYTES = 100
    handler = SizeLimitedUploadHandler(rf.post("/"))
    handler.new_file("file", "stor.pdf", "application/pdf", None)
    temporary = handler.file.temporary_file_path()
    handler.receive_data_chunk(b"x" * 60, 0)

    handler.receive_data_chunk(b"x" * 60, 60)

    assert not os.path.exists(temporary)
    handler.receive_data_chunk(b"x" * 1000, 120)  # the rest is counted and dropped
    refused = handler.file_complete(1120)
    assert isinstance(refused, RefusedUpload)
    assert (refused.size, refused.read()) == (1120, b"")


def test_a_body_larger_than_any_form_needs_is_refused_before_it_is_read(
    client, started, handlaggare, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(handlaggare)
    url = reverse("statement_edit", args=[started.pk])

    response = client.post(
        url,
        b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10 * 1024 * 1024 * 1024),
    )

    body = response.content.decode()
    assert response.status_code == 413
    assert "Det du skickade var för stort" in body
    assert "Inget har sparats." in body
    assert Attachment.objects.count() == 0
    started.refresh_from_db()
    assert started.version == 1
