"""Every file in object storage: with S3_BUCKET set, attachments and archived PDFs go to the
bucket (an S3-compatible server on loopback, moto's server mode), nothing to the app server's
disk, and downloads still pass through the views that check the person and the checksum."""

import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from remiss import workflow
from remiss.models import Attachment, StoredDocument
from tests import s3_server
from tests.conftest import editor_post
from tests.justifying import justify_at_once
from tests.test_uploads import weasyprint_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def s3_endpoint():
    port = s3_server.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket as the default storage; MEDIA_ROOT points at an empty folder that must
    stay empty."""
    name = f"remiss-{uuid.uuid4().hex[:12]}"
    s3_server.client(s3_endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": s3_server.REGION}
    )
    settings.STORAGES = s3_server.storages(s3_endpoint, name)
    settings.MEDIA_ROOT = tmp_path
    return name


def local_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def test_an_attachment_goes_to_the_bucket_and_comes_back_through_the_view(
    client, started, handlaggare, bucket, s3_endpoint, settings
):
    content = weasyprint_pdf()
    client.force_login(handlaggare)
    data = editor_post(started, attachment_title="Säkerhetsprogrammet")
    data["file"] = SimpleUploadedFile("Säkerhetsprogram.pdf", content, "application/pdf")

    client.post(reverse("statement_edit", args=[started.pk]), data)

    attachment = Attachment.objects.get()
    assert s3_server.objects(s3_endpoint, bucket) == {attachment.file.name: content}
    assert local_files(settings) == []
    response = client.get(reverse("attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == content


def test_justified_documents_are_archived_in_the_bucket_and_served_after_the_checksum_check(
    client, on_agenda, sekreterare, handlaggare, run_tasks, bucket, s3_endpoint, settings
):
    decision = justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )

    documents = StoredDocument.objects.filter(decision=decision)
    stored = s3_server.objects(s3_endpoint, bucket)
    assert {d.state for d in documents} == {StoredDocument.State.READY}
    assert {d.file.name: d.sha256 for d in documents} == {
        name: hashlib.sha256(content).hexdigest() for name, content in stored.items()
    }
    assert local_files(settings) == []
    client.force_login(handlaggare)
    reply = documents.get(kind="reply")
    response = client.get(reverse("document", args=[reply.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == reply.sha256


def test_a_document_changed_in_the_bucket_is_refused_and_left_as_it_is(
    client, on_agenda, sekreterare, handlaggare, run_tasks, bucket, s3_endpoint
):
    decision = justify_at_once(
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=True),
        )
    )
    statement = StoredDocument.objects.get(decision=decision, kind="statement")
    s3_server.client(s3_endpoint).put_object(
        Bucket=bucket, Key=statement.file.name, Body=b"%PDF-1.7 ett annat dokument"
    )
    client.force_login(handlaggare)

    response = client.get(reverse("document", args=[statement.pk]))

    assert response.status_code == 500
    assert s3_server.objects(s3_endpoint, bucket)[statement.file.name] == (
        b"%PDF-1.7 ett annat dokument"
    )


def test_readiness_reports_the_bucket_and_fails_when_it_is_gone(client, bucket, s3_endpoint):
    assert client.get(reverse("ready")).json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }

    s3_server.client(s3_endpoint).delete_bucket(Bucket=bucket)
    response = client.get(reverse("ready"))

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "storage": "fel"}
