"""E-arkiv (issue 18): a closed case exports as an FGS package whose METS checksums match its
files, whose XML validates against the published schemas, with the archived PDFs inside byte
for byte; a case still open does not export."""

import datetime
import hashlib
import io
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from lxml import etree

from remiss.archive import fgs, validation
from remiss.models import Membership, Recipient, Remiss, StoredDocument
from tests.conftest import make_user
from tests.open_data import REMISS_DOCUMENT

pytestmark = pytest.mark.django_db

METS = "{http://www.loc.gov/METS/}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
ERMS = "{https://DILCIS.eu/XML/ERMS}"


def mets_entries(files: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """path → (SHA-256, size) as METS.xml states them."""
    mets = etree.fromstring(files["METS.xml"])
    entries = {}
    for element in [*mets.iter(f"{METS}file"), *mets.iter(f"{METS}mdRef")]:
        location = element.find(f"{METS}FLocat")
        path = (location if location is not None else element).get(XLINK_HREF)
        assert element.get("CHECKSUMTYPE") == "SHA-256"
        entries[path] = (element.get("CHECKSUM"), element.get("SIZE"))
    return entries


def assert_sound(files: dict[str, bytes]) -> None:
    assert validation.problems(files) == []
    entries = mets_entries(files)
    assert set(entries) == set(files) - {"METS.xml"}  # every file listed, nothing more
    for path, (checksum, size) in entries.items():
        assert hashlib.sha256(files[path]).hexdigest() == checksum, path
        assert len(files[path]) == int(size), path


def archived_bytes(document: StoredDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_the_seed_case_exports_as_a_valid_fgs_package_with_its_pdfs_byte_for_byte(
    settings, run_tasks, media, tmp_path, django_capture_on_commit_callbacks
):
    settings.DEBUG = True  # seed_demo refuses to run in production
    with django_capture_on_commit_callbacks(execute=True):  # renders the archived PDFs
        call_command("seed_demo", stdout=StringIO())
    recipient = Recipient.objects.get(registration_number="SÖD 2019/1102")

    out = StringIO()
    target = tmp_path / "paket"
    call_command("export_fgs", arende=recipient.pk, till=str(target), stdout=out)
    [folder] = list(target.iterdir())
    files = {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }
    assert_sound(files)
    assert "validerat mot METS och ERMS" in out.getvalue()

    packed = {hashlib.sha256(content).hexdigest() for content in files.values()}
    documents = StoredDocument.objects.filter(
        decision__item__statement__recipient=recipient, state=StoredDocument.State.READY
    )
    assert documents.count() == 3
    for document in documents:
        content = archived_bytes(document)
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert document.sha256 in packed  # the archived file itself, byte for byte

    erms = etree.fromstring(files[fgs.ERMS_PATH])
    assert erms.findtext(f".//{ERMS}aggregation/{ERMS}objectId") == "SÖD 2019/1102"
    directions = [e.get("directionDefinition") for e in erms.iter(f"{ERMS}direction")]
    assert directions[0] == "incoming" and directions[-1] == "outgoing"
    decisions = [
        a for a in erms.iter(f"{ERMS}action") if "beslut" in a.findtext(f"{ERMS}actionType")
    ]
    assert len(decisions) == 1

    # The sender's remiss round of the seed case, its deadline long past, exports too.
    round_package = fgs.build(fgs.remiss_case(recipient.remiss))
    assert_sound(round_package.files)


def test_a_recipients_package_holds_the_remiss_the_statement_the_extract_and_the_reply(
    archived, remiss_document
):
    recipient = archived.item.statement.recipient
    package = fgs.build(fgs.recipient_case(recipient))
    assert_sound(package.files)
    data = {path: content for path, content in package.files.items() if "/data/" in path}
    expected = [REMISS_DOCUMENT] + [
        archived_bytes(StoredDocument.objects.get(decision=archived, kind=kind))
        for kind in ("statement", "extract", "reply")
    ]
    assert sorted(data.values()) == sorted(expected)
    erms = etree.fromstring(package.files[fgs.ERMS_PATH])
    records = [r.get("recordType") for r in erms.iter(f"{ERMS}record")]
    assert records == ["remiss", "tjänsteutlåtande", "protokollsutdrag", "yttrande"]
    paths = {a.get("path") for a in erms.iter(f"{ERMS}appendix")}
    assert paths == set(data)  # ERMS names every document where it lies


def test_the_package_is_one_folder_in_a_zip_named_after_the_case(archived):
    package = fgs.build(fgs.recipient_case(archived.item.statement.recipient))
    with zipfile.ZipFile(io.BytesIO(package.zip_bytes())) as bundle:
        names = bundle.namelist()
        assert {name.split("/", 1)[0] for name in names} == {package.folder}
        assert bundle.read(f"{package.folder}/METS.xml") == package.files["METS.xml"]
    assert fgs.filename(package).startswith("e-arkiv-sod-2019-1102-")


def test_the_same_case_keeps_its_package_identifier(archived):
    recipient = archived.item.statement.recipient
    assert fgs.recipient_case(recipient).objid == fgs.recipient_case(recipient).objid
    assert fgs.recipient_case(recipient).objid != fgs.remiss_case(recipient.remiss).objid


def test_a_case_still_open_does_not_export(started, media, tmp_path):
    tmp_path = tmp_path / "paket"
    with pytest.raises(fgs.NotReady, match="svaret är inte expedierat"):
        fgs.recipient_case(started.recipient)
    with pytest.raises(CommandError, match="inte expedierat"):
        call_command("export_fgs", arende=started.recipient_id, till=str(tmp_path))
    assert not tmp_path.exists()


def test_a_remiss_round_with_answers_still_due_does_not_export(remiss):
    Remiss.objects.filter(pk=remiss.pk).update(deadline=datetime.date(2999, 1, 1))
    with pytest.raises(fgs.NotReady, match="2 remissinstanser har inte svarat"):
        fgs.remiss_case(remiss)


def test_a_declined_case_exports_with_the_reason_as_an_action(sodermalm_recipient, direktor):
    from remiss import workflow

    workflow.decline(recipient=sodermalm_recipient, user=direktor, reason="Berörs inte.")
    package = fgs.build(fgs.recipient_case(sodermalm_recipient))
    assert_sound(package.files)
    erms = etree.fromstring(package.files[fgs.ERMS_PATH])
    assert any(
        "Berörs inte." in a.findtext(f"{ERMS}actionText") for a in erms.iter(f"{ERMS}action")
    )


def test_a_tampered_archived_file_stops_the_export(archived):
    document = StoredDocument.objects.get(decision=archived, kind=StoredDocument.Kind.EXTRACT)
    with open(document.file.path, "ab") as handle:
        handle.write(b"%")
    with pytest.raises(fgs.NotReady, match="kontrollsumma"):
        fgs.recipient_case(archived.item.statement.recipient)


def test_validation_finds_a_changed_file_a_stray_file_and_a_schema_error(archived):
    files = dict(fgs.build(fgs.recipient_case(archived.item.statement.recipient)).files)
    data = next(path for path in files if "/data/" in path)
    files[data] += b"x"
    files["representations/rep1/data/okand.txt"] = b"?"
    files[fgs.ERMS_PATH] = files[fgs.ERMS_PATH].replace(b'value="closed"', b'value="stangd"', 1)
    found = " | ".join(validation.problems(files))
    assert f"{data}: SHA-256 stämmer inte med METS." in found
    assert "okand.txt finns i paketet men inte i METS" in found
    assert "stangd" in found


def test_the_registrator_downloads_the_package_from_the_case(archived, sodermalm):
    registrator = make_user("registrator", sodermalm, Membership.Role.REGISTRAR)
    client = Client()
    client.force_login(registrator)
    recipient = archived.item.statement.recipient
    page = client.get(f"/arenden/{recipient.pk}/")
    assert "Exportera ärendet till e-arkivet" in page.content.decode()
    response = client.get(f"/arkiv/arenden/{recipient.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        folder = bundle.namelist()[0].split("/", 1)[0]
        files = {name.removeprefix(folder + "/"): bundle.read(name) for name in bundle.namelist()}
    assert_sound(files)


def test_the_button_is_not_shown_to_a_handlaggare_who_gets_403(archived, handlaggare):
    client = Client()
    client.force_login(handlaggare)
    recipient = archived.item.statement.recipient
    assert "e-arkivet" not in client.get(f"/arenden/{recipient.pk}/").content.decode()
    assert client.get(f"/arkiv/arenden/{recipient.pk}/").status_code == 403


def test_an_open_case_answers_409_with_the_reason_and_the_way_back(started, sekreterare):
    client = Client()
    client.force_login(sekreterare)
    response = client.get(f"/arkiv/arenden/{started.recipient_id}/")
    assert response.status_code == 409
    assert "svaret är inte expedierat" in response.content.decode()
