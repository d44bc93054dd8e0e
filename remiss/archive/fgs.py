"""E-arkiv: a closed case as an FGS package (docs/earkiv.md).

Riksarkivet's FGS Paketstruktur follows E-ARK CSIP: METS.xml at the root lists every file of the
package with its size and SHA-256; the case's description is FGS Ärendehantering, Riksarkivet's
use of CITS ERMS 2.1.2 (metadata/descriptive/erms.xml); the documents lie under
representations/rep1/data/, copied byte for byte from storage after their checksum is checked;
the schemas travel in schemas/ (CSIP recommends it).

Two kinds of case:
- a recipient's case (remissinstansens ärende): the remiss received, the tjänsteutlåtande, the
  protokollsutdrag and the reply sent, with every recorded step (StatusEvent) and the decision as
  ERMS actions; closed once delivered or declined;
- the sender's remiss round (remittentens ärende): the remiss sent and every reply received, with
  who declined and who did not answer; closed once every recipient has answered or declined, or
  the last deadline has passed.

Only archived files are packed: a delivered reply whose documents are still being rendered makes
the case not yet ready for the archive.
"""

import datetime
import hashlib
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from lxml import etree

from remiss import documents as archive
from remiss.models import (
    Attachment,
    Decision,
    Recipient,
    Remiss,
    Statement,
    StatusEvent,
    StoredDocument,
)

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = ["mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "ERMS.xsd"]
ERMS_PATH = "metadata/descriptive/erms.xml"
DATA = "representations/rep1/data"

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
ERMS_NS = "https://DILCIS.eu/XML/ERMS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
SOFTWARE = "Remissportalen"
SOFTWARE_VERSION = "1.0"


class NotReady(Exception):
    """The case cannot be archived yet; the message says why, in Swedish."""


@dataclass
class PackedFile:
    """One file of the package: where it lies, its bytes and what they are."""

    path: str
    content: bytes
    mimetype: str
    created: datetime.datetime
    label: str
    format_name: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class Action:
    """Åtgärd: a step in the case, who took it and when."""

    text: str
    kind: str
    at: datetime.datetime
    agent: str
    date_type: str = "other"
    motivation: str = ""


@dataclass
class Record:
    """Handling: one document of the case, with its direction and files."""

    number: int
    record_type: str
    title: str
    direction: str  # incoming, outgoing, internal_memo_for_follow-up, ...
    status: str
    date_type: str
    date: datetime.datetime
    agents: list[tuple[str, str]]
    files: list[PackedFile] = field(default_factory=list)


@dataclass
class Case:
    """Ärende: the case as the archive receives it."""

    key: str
    registration_number: str
    title: str
    creator: str  # arkivbildare: the organisation whose case it is
    opened: datetime.datetime
    closed: datetime.datetime
    extra_ids: list[tuple[str, str]]
    agents: list[tuple[str, str]]
    actions: list[Action]
    records: list[Record]

    @property
    def objid(self) -> str:
        """A stable identifier for the package of this case (one case, one OBJID)."""
        return "UUID:" + str(uuid.uuid5(uuid.NAMESPACE_URL, settings.SITE_URL + "/" + self.key))

    @property
    def files(self) -> list[PackedFile]:
        return [f for record in self.records for f in record.files]


# --- Gathering the case ----------------------------------------------------------------------


def _moment(value: datetime.date | datetime.datetime | None) -> datetime.datetime:
    if value is None:
        return timezone.now()
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def _safe_name(position: int, name: str) -> str:
    stem, _, extension = name.rpartition(".")
    stem = slugify(stem or name) or "handling"
    extension = re.sub(r"[^a-z0-9]", "", extension.lower()) or "bin"
    return f"{DATA}/{position:02d}-{stem}.{extension}"


class _Files:
    """Numbers the files as they are added, and reads each from storage after its checksum
    check: a file that no longer matches stops the export."""

    def __init__(self) -> None:
        self.count = 0

    def _add(self, name: str, content: bytes, **kwargs) -> PackedFile:
        self.count += 1
        return PackedFile(path=_safe_name(self.count, name), content=content, **kwargs)

    def stored(self, document: StoredDocument) -> PackedFile:
        try:
            with archive.open_verified(document) as handle:
                content = handle.read()
        except (archive.TamperedDocument, FileNotFoundError):
            raise NotReady(
                f"Den arkiverade handlingen {document.filename} stämmer inte med sin "
                "kontrollsumma eller saknas. Kontakta förvaltningen av portalen."
            ) from None
        return self._add(
            document.filename,
            content,
            mimetype="application/pdf",
            created=_moment(document.rendered_at),
            label=document.get_kind_display(),
            format_name="PDF/A-2a" if document.pdfa else "PDF",
        )

    def attachment(self, attachment: Attachment) -> PackedFile:
        with attachment.file.open("rb") as handle:
            content = handle.read()
        if hashlib.sha256(content).hexdigest() != attachment.sha256:
            raise NotReady(
                f"Bilagan {attachment.title} stämmer inte med sin kontrollsumma. Kontakta "
                "förvaltningen av portalen."
            )
        return self._add(
            attachment.original_name or attachment.file.name,
            content,
            mimetype=attachment.content_type,
            created=_moment(attachment.uploaded_at),
            label=attachment.title,
        )


def _archived(recipient: Recipient) -> dict[str, StoredDocument]:
    """The archived documents of the decision that sent the reply."""
    documents = StoredDocument.objects.filter(
        decision__item__statement__recipient=recipient,
        decision__in=Decision.objects.final().justified(),
    ).select_related("decision__item__meeting__organisation")
    found = {document.kind: document for document in documents}
    if any(d.state != StoredDocument.State.READY for d in found.values()) or (
        StoredDocument.Kind.REPLY not in found
    ):
        raise NotReady(
            f"Handlingarna i svaret från {recipient.organisation} är inte färdiga ännu. Försök "
            "igen om en stund."
        )
    return found


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else SOFTWARE


# What each recorded status means, in words (Swedish), for the ERMS action type.
_STATUS_WORDS = {**dict(Statement.Status.choices), **dict(Recipient.Status.choices)}


def _event_actions(events) -> list[Action]:
    return [
        Action(
            text=event.comment or f"{event.from_status or '–'} → {event.to_status}",
            kind=_STATUS_WORDS.get(event.to_status, event.to_status),
            at=_moment(event.created_at),
            agent=_name(event.actor),
        )
        for event in events
    ]


def recipient_case(recipient: Recipient) -> Case:
    """Remissinstansens ärende, once the reply is delivered or the recipient declined."""
    recipient = Recipient.objects.select_related("remiss__sender", "organisation").get(
        pk=recipient.pk
    )
    remiss = recipient.remiss
    if recipient.status == Recipient.Status.AWAITING:
        raise NotReady("Ärendet är inte avslutat: svaret är inte expedierat.")
    files = _Files()
    received = Record(
        number=1,
        record_type="remiss",
        title=f"Remiss: {remiss.title}",
        direction="incoming",
        status="received",
        date_type="received",
        date=_moment(remiss.sent_on),
        agents=[("sender", remiss.sender.name)],
        files=[files.attachment(a) for a in remiss.attachments.filter(statement__isnull=True)],
    )
    records = [received]
    actions = _event_actions(
        StatusEvent.objects.filter(recipient=recipient).select_related("actor")
    )
    agents = [("counterpart", remiss.sender.name)]
    closed = _moment(recipient.delivered_at)
    if recipient.status == Recipient.Status.DELIVERED:
        statement = Statement.objects.select_related("case_officer").get(recipient=recipient)
        archived = _archived(recipient)
        decision = archived[StoredDocument.Kind.REPLY].decision
        meeting = decision.item.meeting
        agents.append(("responsible_person", _name(statement.case_officer)))
        records += [
            Record(
                number=2,
                record_type="tjänsteutlåtande",
                title=f"Tjänsteutlåtande: {statement.title}",
                direction="internal_memo_for_follow-up",
                status="closed",
                date_type="created",
                date=_moment(statement.date),
                agents=[("creator", _name(statement.case_officer))]
                + ([("main_signatory", statement.signer_name)] if statement.signer_name else []),
                files=[files.stored(archived[StoredDocument.Kind.STATEMENT])]
                + [files.attachment(a) for a in statement.attachments.all()],
            ),
            Record(
                number=3,
                record_type="protokollsutdrag",
                title=f"Protokollsutdrag {meeting.organisation} {meeting.date:%Y-%m-%d} "
                f"§ {decision.item.number}",
                direction="internal_memo_without_follow-up",
                status="closed",
                date_type="decision_date",
                date=_moment(meeting.date),
                agents=[("authorising_person", meeting.organisation.name)],
                files=[files.stored(archived[StoredDocument.Kind.EXTRACT])],
            ),
            Record(
                number=4,
                record_type="yttrande",
                title=f"Yttrande till {remiss.sender}: {statement.title}",
                direction="outgoing",
                status="expedited",
                date_type="expedited",
                date=closed,
                agents=[("receiver", remiss.sender.name)],
                files=[files.stored(archived[StoredDocument.Kind.REPLY])],
            ),
        ]
        actions.append(
            Action(
                text=decision.changes or decision.text,
                kind=f"beslut: {decision.get_outcome_display().lower()}",
                at=_moment(meeting.date),
                agent=meeting.organisation.name,
                date_type="decision_date",
                motivation=(
                    f"{meeting.organisation} {meeting.date:%Y-%m-%d} § {decision.item.number}, "
                    f"justerat {decision.justified_on:%Y-%m-%d}"
                ),
            )
        )
    else:
        closed = _moment(
            StatusEvent.objects.filter(recipient=recipient, to_status=recipient.status)
            .values_list("created_at", flat=True)
            .last()
        )
    return Case(
        key=f"arenden/{recipient.pk}",
        registration_number=recipient.registration_number or f"{remiss.registration_number}",
        title=remiss.title,
        creator=recipient.organisation.name,
        opened=_moment(remiss.sent_on),
        closed=closed,
        extra_ids=[("remittentens_diarienummer", remiss.registration_number)],
        agents=agents,
        actions=actions,
        records=records,
    )


def remiss_case(remiss: Remiss) -> Case:
    """Remittentens ärende: the remiss round, once every recipient has answered or declined,
    or the last deadline has passed."""
    remiss = Remiss.objects.select_related("sender").get(pk=remiss.pk)
    recipients = list(remiss.recipients.select_related("organisation").order_by("pk"))
    if remiss.sent_on is None:
        raise NotReady("Remissen är inte skickad.")
    awaiting = [r for r in recipients if r.status == Recipient.Status.AWAITING]
    last_deadline = max((r.deadline for r in recipients), default=remiss.deadline)
    if awaiting and last_deadline >= timezone.localdate():
        raise NotReady(
            f"Remissomgången är inte avslutad: {len(awaiting)} remissinstanser har inte svarat "
            f"och sista svarsdatum är {last_deadline:%Y-%m-%d}."
        )
    files = _Files()
    records = [
        Record(
            number=1,
            record_type="remiss",
            title=f"Remiss: {remiss.title}",
            direction="outgoing",
            status="expedited",
            date_type="sent",
            date=_moment(remiss.sent_on),
            agents=[("receiver", r.organisation.name) for r in recipients],
            files=[files.attachment(a) for a in remiss.attachments.filter(statement__isnull=True)],
        )
    ]
    for recipient in recipients:
        if recipient.status != Recipient.Status.DELIVERED:
            continue
        archived = _archived(recipient)
        records.append(
            Record(
                number=len(records) + 1,
                record_type="yttrande",
                title=f"Yttrande från {recipient.organisation}",
                direction="incoming",
                status="received",
                date_type="received",
                date=_moment(recipient.delivered_at),
                agents=[("sender", recipient.organisation.name)],
                files=[
                    files.stored(archived[kind])
                    for kind in (
                        StoredDocument.Kind.REPLY,
                        StoredDocument.Kind.EXTRACT,
                        StoredDocument.Kind.STATEMENT,
                    )
                    if kind in archived
                ],
            )
        )
    # Only the recipients' own steps (received, answered, declined, extensions, reminders):
    # never their internal drafting, which is not the sender's record.
    events = StatusEvent.objects.filter(
        recipient__remiss=remiss, to_status__in=Recipient.Status.values
    ).select_related("actor", "recipient__organisation")
    actions = _event_actions(events)
    for recipient in awaiting:
        actions.append(
            Action(
                text=f"{recipient.organisation} svarade inte senast {recipient.deadline:%Y-%m-%d}.",
                kind="inget svar",
                at=_moment(recipient.deadline),
                agent=recipient.organisation.name,
            )
        )
    closed = max(
        [_moment(last_deadline)] + [_moment(r.delivered_at) for r in recipients if r.delivered_at]
    )
    return Case(
        key=f"remisser/{remiss.pk}",
        registration_number=remiss.registration_number,
        title=remiss.title,
        creator=remiss.sender.name,
        opened=_moment(remiss.sent_on),
        closed=closed,
        extra_ids=[],
        agents=[("counterpart", r.organisation.name) for r in recipients],
        actions=actions,
        records=records,
    )


# --- Writing the XML -------------------------------------------------------------------------


def _xml_time(value: datetime.datetime) -> str:
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _sub(parent, tag: str, text: str | None = None, ns: str = ERMS_NS, **attributes):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _agents(parent, agents: list[tuple[str, str]]) -> None:
    if not agents:
        return
    wrapper = _sub(parent, "agents")
    for agent_type, name in agents:
        agent = _sub(wrapper, "agent", agentType=agent_type)
        _sub(agent, "name", name)


def erms_xml(case: Case, *, created: datetime.datetime) -> bytes:
    """FGS Ärendehantering (CITS ERMS 2.1.2) for the case, its handlingar and its actions."""
    root = etree.Element(
        f"{{{ERMS_NS}}}erms",
        nsmap={None: ERMS_NS, "xsi": XSI_NS},
        attrib={f"{{{XSI_NS}}}schemaLocation": f"{ERMS_NS} ../../schemas/ERMS.xsd"},
    )
    control = _sub(root, "control")
    _sub(control, "identification", case.creator, identificationType="arkivbildare")
    _sub(control, "identification", SOFTWARE, identificationType="levererande_system")
    maintenance = _sub(control, "maintenanceInformation")
    _sub(maintenance, "maintenanceStatus", value="new")
    agency = _sub(maintenance, "maintenanceAgency")
    _sub(agency, "agencyName", settings.MUNICIPALITY_NAME)
    history = _sub(maintenance, "maintenanceHistory")
    event = _sub(history, "maintenanceEvent")
    _sub(event, "eventType", value="created")
    _sub(event, "eventDateTime", _xml_time(created))
    deliverer = _sub(event, "agent", agentType="deliverer")
    _sub(deliverer, "name", SOFTWARE)

    aggregation = _sub(
        _sub(root, "aggregations"),
        "aggregation",
        systemIdentifier=case.key,
        aggregationType="caseFile",
    )
    _sub(aggregation, "objectId", case.registration_number)
    for id_type, value in case.extra_ids:
        _sub(aggregation, "extraId", value, extraIdType=id_type)
    _sub(aggregation, "title", case.title)
    _sub(aggregation, "status", value="closed")
    _agents(aggregation, [("creator", case.creator), *case.agents])
    dates = _sub(aggregation, "dates")
    _sub(dates, "date", _xml_time(case.opened), dateType="opened")
    _sub(dates, "date", _xml_time(case.closed), dateType="closed")
    for action in case.actions:
        element = _sub(aggregation, "action")
        _sub(element, "actionText", action.text)
        if action.motivation:
            _sub(element, "actionMotivation", action.motivation)
        _sub(element, "actionType", action.kind)
        _sub(_sub(element, "dates"), "actionDate", _xml_time(action.at), dateType=action.date_type)
        agent = _sub(_sub(element, "agents"), "agent", agentType="creator")
        _sub(agent, "name", action.agent)
    for record in case.records:
        element = _sub(
            aggregation,
            "record",
            systemIdentifier=f"{case.key}/handlingar/{record.number}",
            recordType=record.record_type,
            recordPhysicalOrDigital="digitial",  # sic: the schema's spelling
        )
        _sub(element, "objectId", f"{case.registration_number}:{record.number}")
        _sub(element, "title", record.title)
        _sub(element, "status", value=record.status)
        _sub(element, "runningNumber", str(record.number))
        _sub(element, "direction", directionDefinition=record.direction)
        _agents(element, record.agents)
        _sub(_sub(element, "dates"), "date", _xml_time(record.date), dateType=record.date_type)
        if record.files:
            information = _sub(element, "additionalInformation")
            for packed in record.files:
                _sub(
                    information,
                    "appendix",
                    name=packed.label,
                    path=packed.path,
                    fileFormat=packed.format_name or packed.mimetype,
                    description=f"SHA-256 {packed.sha256}",
                )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


def _file_element(parent, packed: PackedFile, file_id: str):
    element = etree.SubElement(
        parent,
        _m("file"),
        ID=file_id,
        MIMETYPE=packed.mimetype,
        SIZE=str(packed.size),
        CREATED=_xml_time(packed.created),
        CHECKSUM=packed.sha256,
        CHECKSUMTYPE="SHA-256",
    )
    etree.SubElement(
        element,
        _m("FLocat"),
        {f"{{{XLINK_NS}}}type": "simple", f"{{{XLINK_NS}}}href": packed.path, "LOCTYPE": "URL"},
    )
    return element


def mets_xml(
    case: Case, *, erms: PackedFile, schemas: list[PackedFile], created: datetime.datetime
) -> bytes:
    """The package's METS.xml (E-ARK CSIP / FGS Paketstruktur): every file with its checksum."""
    locations = " ".join(
        [
            f"{METS_NS} schemas/mets.xsd",
            f"{XLINK_NS} schemas/xlink.xsd",
            f"{CSIP_NS} schemas/DILCISExtensionMETS.xsd",
        ]
    )
    root = etree.Element(
        _m("mets"),
        nsmap={None: METS_NS, "xlink": XLINK_NS, "csip": CSIP_NS, "xsi": XSI_NS},
        attrib={
            f"{{{XSI_NS}}}schemaLocation": locations,
            "OBJID": case.objid,
            "LABEL": f"{case.registration_number} {case.title}",
            "TYPE": "Textual works – Digital",
            f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE": "citserms_v2_1",
            "PROFILE": CSIP_PROFILE,
        },
    )
    header = etree.SubElement(
        root,
        _m("metsHdr"),
        {
            "CREATEDATE": _xml_time(created),
            "RECORDSTATUS": "NEW",
            f"{{{CSIP_NS}}}OAISPACKAGETYPE": "SIP",
        },
    )
    archivist = etree.SubElement(header, _m("agent"), ROLE="ARCHIVIST", TYPE="ORGANIZATION")
    etree.SubElement(archivist, _m("name")).text = case.creator
    software = etree.SubElement(
        header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE"
    )
    etree.SubElement(software, _m("name")).text = SOFTWARE
    etree.SubElement(
        software, _m("note"), {f"{{{CSIP_NS}}}NOTETYPE": "SOFTWARE VERSION"}
    ).text = SOFTWARE_VERSION

    dmd = etree.SubElement(root, _m("dmdSec"), ID="dmd-erms", CREATED=_xml_time(created))
    etree.SubElement(
        dmd,
        _m("mdRef"),
        {
            "LOCTYPE": "URL",
            f"{{{XLINK_NS}}}type": "simple",
            f"{{{XLINK_NS}}}href": erms.path,
            "MDTYPE": "OTHER",
            "OTHERMDTYPE": "ERMS",
            "MIMETYPE": "text/xml",
            "SIZE": str(erms.size),
            "CREATED": _xml_time(erms.created),
            "CHECKSUM": erms.sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    file_sec = etree.SubElement(root, _m("fileSec"), ID="filesec")
    schema_group = etree.SubElement(file_sec, _m("fileGrp"), ID="grp-schemas", USE="Schemas")
    data_group = etree.SubElement(
        file_sec, _m("fileGrp"), ID="grp-data", USE="Representations/rep1/Data"
    )
    schema_ids = []
    for number, packed in enumerate(schemas, start=1):
        schema_ids.append(f"schema-{number:02d}")
        _file_element(schema_group, packed, schema_ids[-1])
    data_ids = []
    for number, packed in enumerate(case.files, start=1):
        data_ids.append(f"file-{number:03d}")
        _file_element(data_group, packed, data_ids[-1])

    struct = etree.SubElement(root, _m("structMap"), ID="structmap", TYPE="PHYSICAL", LABEL="CSIP")
    top = etree.SubElement(struct, _m("div"), ID="div-package", LABEL=case.objid)
    etree.SubElement(top, _m("div"), ID="div-metadata", LABEL="Metadata", DMDID="dmd-erms")
    schemas_div = etree.SubElement(top, _m("div"), ID="div-schemas", LABEL="Schemas")
    for file_id in schema_ids:
        etree.SubElement(schemas_div, _m("fptr"), FILEID=file_id)
    data_div = etree.SubElement(top, _m("div"), ID="div-rep1", LABEL="Representations/rep1")
    for file_id in data_ids:
        etree.SubElement(data_div, _m("fptr"), FILEID=file_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- The package -----------------------------------------------------------------------------


@dataclass
class Package:
    case: Case
    files: dict[str, bytes]  # path inside the package → bytes, METS.xml included

    @property
    def folder(self) -> str:
        """The package's top folder: the OBJID without its scheme."""
        return self.case.objid.removeprefix("UUID:")

    def zip_bytes(self) -> bytes:
        """The package as a ZIP with one top folder (stored uncompressed: PDFs do not shrink,
        and an archive reads a stored ZIP with the simplest tools)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as bundle:
            for path in sorted(self.files):
                bundle.writestr(f"{self.folder}/{path}", self.files[path])
        return buffer.getvalue()

    def write_folder(self, target: Path) -> Path:
        root = target / self.folder
        for path, content in self.files.items():
            destination = root / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
        return root


def build(case: Case, *, created: datetime.datetime | None = None) -> Package:
    """The whole package for the case: documents, ERMS, schemas and METS."""
    created = created or timezone.now()
    schemas = [
        PackedFile(
            path=f"schemas/{name}",
            content=(SCHEMAS / name).read_bytes(),
            mimetype="application/xml",
            created=created,
            label=name,
        )
        for name in SCHEMA_FILES
    ]
    erms = PackedFile(
        path=ERMS_PATH,
        content=erms_xml(case, created=created),
        mimetype="text/xml",
        created=created,
        label="FGS Ärendehantering",
    )
    files = {packed.path: packed.content for packed in [*schemas, erms, *case.files]}
    files["METS.xml"] = mets_xml(case, erms=erms, schemas=schemas, created=created)
    return Package(case=case, files=files)


def filename(package: Package) -> str:
    number = slugify(package.case.registration_number.replace("/", "-"))
    return f"e-arkiv-{number}-{package.folder}.zip"
