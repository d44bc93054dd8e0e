"""The remiss domain: organisations, memberships, remisses, recipients, statements, meetings.

English names in code, the Swedish term in each docstring (see docs/glossary.md).
"""

from remiss.models.documents import StoredDocument
from remiss.models.events import StatusEvent
from remiss.models.imports import StatementImport
from remiss.models.meetings import (
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    JustificationSignature,
    Meeting,
    MeetingProposal,
    ProtocolNote,
    Reservation,
    SpecialStatement,
    Vote,
    VoteChoice,
)
from remiss.models.organisations import Membership, Organisation, OrganisationQuerySet
from remiss.models.remisses import Attachment, Recipient, Remiss, attachment_path
from remiss.models.security import LoginFailure
from remiss.models.sending import ExtensionRequest, Reminder
from remiss.models.statements import (
    AutosavedDraft,
    FocusAreaView,
    PreparationStep,
    ReviewComment,
    Statement,
    StatementVersion,
)

__all__ = [
    "AgendaItem",
    "Attachment",
    "Attendance",
    "AutosavedDraft",
    "Ballot",
    "Decision",
    "ExtensionRequest",
    "FocusAreaView",
    "JustificationSignature",
    "LoginFailure",
    "Meeting",
    "MeetingProposal",
    "Membership",
    "Organisation",
    "OrganisationQuerySet",
    "PreparationStep",
    "ProtocolNote",
    "Recipient",
    "Reminder",
    "Remiss",
    "Reservation",
    "ReviewComment",
    "SpecialStatement",
    "Statement",
    "StatementImport",
    "StatementVersion",
    "StatusEvent",
    "StoredDocument",
    "Vote",
    "VoteChoice",
    "attachment_path",
]
