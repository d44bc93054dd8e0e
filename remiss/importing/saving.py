"""Keeping a pending import and saving it as the statement's next version (services).

Nothing of the statement is written until `confirm`: `keep_pending` only stores the file and
what was recognised, for the person who read it in. `confirm` starts the statement if there is
none (version 1, "Påbörjat", as when writing from scratch), then saves the reviewed text through
drafting.save_statement as a version of its own, noted "Inläst från <fil>".
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from remiss import drafting, permissions
from remiss.importing import ReadUpload
from remiss.models import Recipient, Statement, StatementImport


class ImportRefused(drafting.DraftingError):
    """The case cannot take an imported statement now (a message for the person)."""


def check_can_import(recipient: Recipient, user: User) -> None:
    """A writer of the recipient organisation (403 otherwise), while the case is open for a
    draft: no statement yet and the remiss awaiting an answer, or a statement still a draft."""
    if not permissions.can_write(user, recipient.organisation_id):
        raise PermissionDenied("Din roll ger inte behörighet att läsa in tjänsteutlåtanden.")
    statement = Statement.objects.filter(recipient=recipient).first()
    if statement is None and recipient.status != Recipient.Status.AWAITING:
        raise ImportRefused("Remissen är redan besvarad eller avböjd.")
    if statement is not None and statement.status != Statement.Status.DRAFT:
        raise ImportRefused(
            f"Utlåtandet är {statement.get_status_display().lower()} och kan inte ändras."
        )


@transaction.atomic
def keep_pending(*, recipient: Recipient, user: User, read: ReadUpload) -> StatementImport:
    """Keep the file and what was recognised until the person saves; replaces their earlier
    pending import of the same case, so that pending imports never pile up."""
    check_can_import(recipient, user)
    for earlier in StatementImport.objects.filter(
        recipient=recipient, uploaded_by=user, statement__isnull=True
    ):
        earlier.file.delete(save=False)
        earlier.delete()
    pending = StatementImport(
        recipient=recipient,
        uploaded_by=user,
        original_name=read.checked.original_name,
        content_type=read.checked.content_type,
        size=read.checked.size,
        sha256=read.checked.sha256,
        recognised=read.statement.to_json(),
    )
    pending.file.save(f"{read.checked.sha256}{read.checked.extension}", ContentFile(read.data))
    return pending


@transaction.atomic
def confirm(*, pending: StatementImport, user: User, text: drafting.StatementText) -> Statement:
    """Spara: the reviewed text becomes the statement's next version; the file is kept."""
    pending = StatementImport.objects.select_for_update().get(pk=pending.pk)
    if pending.statement_id is not None or pending.uploaded_by_id != user.pk:
        raise ImportRefused("Inläsningen är redan sparad.")
    recipient = pending.recipient
    check_can_import(recipient, user)
    statement = drafting.start_statement(recipient=recipient, user=user)
    saved = drafting.save_statement(
        statement=statement,
        user=user,
        base_version=statement.version,
        text=text,
        note=f"Inläst från {pending.original_name}"[:200],
    )
    pending.statement = saved
    pending.version = saved.version
    pending.save(update_fields=["statement", "version"])
    return saved
