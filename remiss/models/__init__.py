"""The remiss domain: organisations, memberships, remisses, recipients, statements, meetings.

English names in code, the Swedish term in each docstring (see the glossary in the README).
"""

from remiss.models.events import StatusEvent
from remiss.models.organisations import Membership, Organisation, OrganisationQuerySet
from remiss.models.remisses import Attachment, Recipient, Remiss, attachment_path
from remiss.models.statements import (
    AutosavedDraft,
    FocusAreaView,
    PreparationStep,
    Statement,
    StatementVersion,
)

__all__ = [
    "Attachment",
    "AutosavedDraft",
    "FocusAreaView",
    "Membership",
    "Organisation",
    "OrganisationQuerySet",
    "PreparationStep",
    "Recipient",
    "Remiss",
    "Statement",
    "StatementVersion",
    "StatusEvent",
    "attachment_path",
]
