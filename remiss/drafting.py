"""Writing the tjänsteutlåtande: start, save as versions, restore, attach, autosave.

Services with keyword-only arguments (docs/style.md): the views validate forms and call these; these
check the person and the state, write, and record. Every save is a version; a save based on an
older version than the current one is refused with StaleVersion, so that two people writing at
once never overwrite each other.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from programs.models import FocusArea
from remiss import deadlines, permissions, workflow
from remiss.compilation import swedish_sort_key
from remiss.models import (
    Attachment,
    AutosavedDraft,
    FocusAreaView,
    Membership,
    Organisation,
    PreparationStep,
    Recipient,
    Statement,
    StatementVersion,
    StatusEvent,
)
from remiss.uploads import CheckedUpload

TEXT_FIELDS = ["title", "reference_line", "addressed_to", "phone"]
SECTION_FIELDS = [name for name, _ in Statement.SECTIONS]


class DraftingError(Exception):
    """The statement cannot be changed now (a message for the person)."""


class StaleVersion(DraftingError):
    """The form was based on an older version than the one now saved."""

    def __init__(self, current: StatementVersion):
        self.current = current
        super().__init__(
            "Någon annan har sparat utlåtandet medan du skrev. Din text är inte sparad: "
            "jämför med den sparade texten och spara igen."
        )


@dataclass
class StatementText:
    """What the drafting form hands to save_statement, already validated."""

    title: str
    reference_line: str
    addressed_to: str
    date: datetime.date
    phone: str
    sections: dict[str, str]
    proposals: list[str]
    focus_area_views: list[tuple[FocusArea, str]] = field(default_factory=list)
    preparation_steps: list[tuple[str, str, datetime.date | None]] = field(default_factory=list)


# Reading ------------------------------------------------------------------------------------


def snapshot(statement: Statement) -> dict:
    """The statement's text as plain data: what a version stores."""
    return {
        **{name: getattr(statement, name) for name in TEXT_FIELDS},
        "date": statement.date.isoformat(),
        "proposals": list(statement.proposals),
        "sections": {name: getattr(statement, name) for name in SECTION_FIELDS},
        "focus_area_views": [
            {
                "focus_area": view.focus_area_id,
                "number": view.focus_area.number,
                "title": view.focus_area.title,
                "text": view.text,
            }
            for view in statement.focus_area_views.select_related("focus_area")
        ],
        "preparation_steps": [
            {
                "kind": step.kind,
                "kind_label": step.get_kind_display(),
                "who": step.who,
                "date": step.date.isoformat() if step.date else None,
            }
            for step in statement.preparation_steps.all()
        ],
    }


def suggested_preparation(steps: list[tuple[str, str, datetime.date | None]]) -> str:
    """A suggested "Ärendets beredning" text from the preparation steps, in Swedish prose."""
    Kind = PreparationStep.Kind
    internal = [who for kind, who, _ in steps if kind == Kind.INTERNAL and who]
    bodies = [(kind, who, date) for kind, who, date in steps if kind != Kind.INTERNAL and who]
    sentences = []
    if internal:
        sentences.append(f"Ärendet har beretts av {_join(internal)}.")
    if bodies:
        parts = [f"i {_in_sentence(who)} {_in_words(date)}".rstrip() for _, who, date in bodies]
        sentences.append(f"Ärendet har behandlats {_join(parts)}.")
    return " ".join(sentences)


def _in_sentence(name: str) -> str:
    """ "Pensionärsrådet" reads "pensionärsrådet" mid-sentence; "Södermalms pensionärsråd" (a
    genitive, likely a name) and "MBL-gruppen" (an acronym) keep their capitals."""
    first_word = name.split(" ", 1)[0]
    if len(name) > 1 and not first_word.endswith("s") and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} och {items[-1]}"


def _in_words(date: datetime.date | None) -> str:
    return deadlines.in_words(date) if date else ""


def round_preparation(recipient: Recipient) -> str:
    """Beredning generated from the round (issue 16): for a case that was sent on to nämnder,
    bolag and outside instanser, who was asked, who answered, who declined and who did not
    answer, as an utlåtande says it ("… har ej inkommit med svar"). Empty when the case was
    not sent on."""
    sentences = []
    for remiss in recipient.forwarded_remisses.order_by("sent_on", "pk"):
        asked = list(remiss.recipients.select_related("organisation").order_by("pk"))
        if not asked:
            continue
        names = sorted((r.organisation.name for r in asked), key=swedish_sort_key)
        sentences.append(
            f"Ärendet har remitterats till {_join(names)} (dnr {remiss.registration_number})."
        )
        by_status: dict[str, list[str]] = {}
        for r in asked:
            by_status.setdefault(r.status, []).append(r.organisation.name)
        Status = Recipient.Status
        for status, sentence in [
            (Status.DELIVERED, "Svar har inkommit från {names}."),
            (Status.DECLINED, "{names} har avstått från att svara."),
            (Status.NOT_RECEIVED, "{names} har ej inkommit med svar."),
            (Status.AWAITING, "Svar inväntas från {names}."),
        ]:
            if status in by_status:
                names = sorted(by_status[status], key=swedish_sort_key)
                sentences.append(sentence.format(names=_join(names)))
        if remiss.withdrawn_on:
            sentences.append(f"Remissen återkallades {remiss.withdrawn_on:%Y-%m-%d}.")
    return " ".join(sentences)


# Writing ------------------------------------------------------------------------------------


def reference_line_for(recipient: Recipient) -> str:
    remiss = recipient.remiss
    sender = remiss.sender
    name = sender.name
    if sender.kind in (Organisation.Kind.EXECUTIVE_BOARD, Organisation.Kind.SPECIALIST_BOARD):
        name = name[0].lower() + name[1:]  # "kommunstyrelsen", "socialnämnden"
    line = f"Svar på remiss från {name}, dnr {remiss.registration_number}"
    if remiss.reference:
        line += f" ({remiss.reference})"
    if remiss.subject_line:
        line += f": {remiss.subject_line}"
    return line


def standard_proposal(organisation: Organisation) -> str:
    return (
        f"{organisation.council_word} överlämnar förvaltningens tjänsteutlåtande "
        "som svar på remissen."
    )


@transaction.atomic
def start_statement(*, recipient: Recipient, user: User) -> Statement:
    """Påbörja tjänsteutlåtandet, prefilled from the remiss, the organisation and the person."""
    if not permissions.can_write(user, recipient.organisation_id):
        raise PermissionDenied("Din roll ger inte behörighet att skriva tjänsteutlåtanden.")
    recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
    existing = Statement.objects.filter(recipient=recipient).first()
    if existing is not None:
        return existing
    if recipient.status != Recipient.Status.AWAITING:
        raise DraftingError("Remissen är redan besvarad eller avböjd.")
    membership = (
        Membership.objects.filter(user=user, organisation_id=recipient.organisation_id)
        .exclude(phone="")
        .first()
    )
    organisation = recipient.organisation
    statement = Statement.objects.create(
        recipient=recipient,
        case_officer=user,
        phone=membership.phone if membership else "",
        # A reply to a remittent outside the municipality (a ministry) is addressed to it.
        addressed_to=recipient.remiss.sender.name
        if recipient.remiss.sender.is_outside
        else organisation.name,
        date=timezone.localdate(),
        title=recipient.remiss.title,
        reference_line=reference_line_for(recipient),
        proposals=[standard_proposal(organisation)],
        version=1,
    )
    StatementVersion.objects.create(
        statement=statement, number=1, author=user, note="Påbörjat", content=snapshot(statement)
    )
    workflow.record_event(
        recipient=recipient,
        statement=statement,
        action=StatusEvent.Action.STARTED,
        user=user,
        target=Statement.Status.DRAFT,
    )
    return statement


def _claim_next_version(*, statement: Statement, user: User, base_version: int) -> Statement:
    """Move the statement to the next version number, if it is still at base_version.

    A conditional UPDATE, so that of two saves based on the same version exactly one wins, on
    PostgreSQL and SQLite alike.
    """
    permissions.require(user, "edit", statement)
    claimed = Statement.objects.filter(
        pk=statement.pk, version=base_version, status=Statement.Status.DRAFT
    ).update(version=base_version + 1)
    current = Statement.objects.select_related("recipient__organisation").get(pk=statement.pk)
    if not claimed:
        if current.status != Statement.Status.DRAFT:
            raise DraftingError(
                f"Utlåtandet är {current.get_status_display().lower()} och kan inte ändras."
            )
        latest = current.versions.select_related("author").first()
        assert latest is not None  # noqa: S101 - a statement has its first version from the start
        raise StaleVersion(latest)
    return current


@transaction.atomic
def save_statement(
    *,
    statement: Statement,
    user: User,
    base_version: int,
    text: StatementText,
    attach: Sequence[tuple[CheckedUpload, UploadedFile, str]] = (),
    remove_attachments: Sequence[int] = (),
    note: str = "",
) -> Statement:
    """Spara: write the text as the next version; refuse a save based on a stale version."""
    current = _claim_next_version(statement=statement, user=user, base_version=base_version)
    _apply(current, text)
    current.save()
    for checked, upload, title in attach:
        add_attachment(statement=current, user=user, checked=checked, upload=upload, title=title)
    if remove_attachments:
        for attachment in current.attachments.filter(pk__in=remove_attachments):
            attachment.delete()  # the file stays in storage and the row in history
    StatementVersion.objects.create(
        statement=current,
        number=current.version,
        author=user,
        note=note,
        content=snapshot(current),
    )
    AutosavedDraft.objects.filter(statement=current, user=user).delete()
    return current


def _apply(statement: Statement, text: StatementText) -> None:
    for name in TEXT_FIELDS:
        setattr(statement, name, getattr(text, name))
    statement.date = text.date
    statement.proposals = list(text.proposals)
    for name in SECTION_FIELDS:
        setattr(statement, name, text.sections.get(name, ""))

    wanted_views = [(area.pk, body) for area, body in text.focus_area_views]
    existing_views = list(statement.focus_area_views.order_by("pk"))
    if [(v.focus_area_id, v.text) for v in existing_views] != wanted_views:
        by_area = {view.focus_area_id: view for view in existing_views}
        for area_id, body in wanted_views:
            view = by_area.pop(area_id, None)
            if view is None:
                FocusAreaView.objects.create(statement=statement, focus_area_id=area_id, text=body)
            elif view.text != body:
                view.text = body
                view.save()
        for view in by_area.values():
            view.delete()

    existing_steps = list(statement.preparation_steps.order_by("pk"))
    if [(s.kind, s.who, s.date) for s in existing_steps] != list(text.preparation_steps):
        for step in existing_steps:
            step.delete()
        for kind, who, date in text.preparation_steps:
            PreparationStep.objects.create(statement=statement, kind=kind, who=who, date=date)


def text_from_snapshot(content: dict) -> StatementText:
    areas = FocusArea.objects.in_bulk([view["focus_area"] for view in content["focus_area_views"]])
    return StatementText(
        **{name: content[name] for name in TEXT_FIELDS},
        date=datetime.date.fromisoformat(content["date"]),
        sections=content["sections"],
        proposals=content["proposals"],
        focus_area_views=[
            (areas[view["focus_area"]], view["text"])
            for view in content["focus_area_views"]
            if view["focus_area"] in areas
        ],
        preparation_steps=[
            (
                step["kind"],
                step["who"],
                datetime.date.fromisoformat(step["date"]) if step["date"] else None,
            )
            for step in content["preparation_steps"]
        ],
    )


@transaction.atomic
def restore_version(
    *, statement: Statement, user: User, number: int, base_version: int
) -> Statement:
    """Återställ: an earlier version's text becomes the newest version, recorded as such."""
    permissions.require(user, "restore", statement)
    old = statement.versions.filter(number=number).first()
    if old is None:
        raise DraftingError(f"Version {number} finns inte.")
    return save_statement(
        statement=statement,
        user=user,
        base_version=base_version,
        text=text_from_snapshot(old.content),
        note=f"Återställd från version {number}",
    )


def add_attachment(
    *,
    statement: Statement,
    user: User,
    checked: CheckedUpload,
    upload: UploadedFile,
    title: str,
) -> Attachment:
    permissions.require(user, "attach", statement)
    return store_attachment(
        owner={"statement": statement},
        position=statement.attachments.count() + 1,
        checked=checked,
        upload=upload,
        title=title,
        user=user,
    )


def store_attachment(
    *,
    owner: dict,
    position: int,
    checked: CheckedUpload,
    upload: UploadedFile,
    title: str,
    user: User | None,
) -> Attachment:
    """Store a checked upload under a name of our choosing (checksum + the detected type's
    extension); the uploader's file name is kept only as a label."""
    attachment = Attachment(
        **owner,
        title=title or checked.original_name.rsplit(".", 1)[0],
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        position=position,
        uploaded_by=user,
    )
    upload.seek(0)
    attachment.file.save(f"{checked.sha256}{checked.extension}", upload, save=False)
    attachment.save()
    return attachment


def autosave(*, statement: Statement, user: User, base_version: int, data: dict) -> None:
    """Keep the person's unsaved form; never a version, never seen by anyone else."""
    permissions.require(user, "edit", statement)
    AutosavedDraft.objects.update_or_create(
        statement=statement,
        user=user,
        defaults={"base_version": base_version, "data": data, "saved_at": timezone.now()},
    )
