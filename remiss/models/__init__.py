"""The remiss domain: organisations, memberships, remisses, recipients, statements, meetings.

English names in code, the Swedish term in each docstring (see docs/glossary.md).
"""

from remiss.models.council import MeetingEvent, Seat
from remiss.models.delegation import DelegatedDecision, Delegation
from remiss.models.documents import OutgoingMail, Preview, StoredDocument
from remiss.models.events import StatusEvent
from remiss.models.imports import StatementImport
from remiss.models.meetings import (
    AgendaIssue,
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    JustificationSignature,
    Meeting,
    MeetingProposal,
    Notice,
    ProtocolNote,
    Recusal,
    Reservation,
    SpecialStatement,
    Vote,
    VoteChoice,
)
from remiss.models.notices import Notification
from remiss.models.operations import DailyRun, WorkerHeartbeat
from remiss.models.organisations import Membership, Organisation, OrganisationQuerySet
from remiss.models.remisses import Attachment, Recipient, Remiss, attachment_path
from remiss.models.security import LoginFailure
from remiss.models.sending import ExtensionRequest, ReceivedReply, Reminder, ReplyLink
from remiss.models.statements import (
    AutosavedDraft,
    FocusAreaView,
    PreparationStep,
    ReviewComment,
    Statement,
    StatementVersion,
)

__all__ = [
    "AgendaIssue",
    "AgendaItem",
    "Attachment",
    "Attendance",
    "AutosavedDraft",
    "Ballot",
    "DailyRun",
    "Decision",
    "DelegatedDecision",
    "Delegation",
    "ExtensionRequest",
    "FocusAreaView",
    "JustificationSignature",
    "LoginFailure",
    "Meeting",
    "MeetingEvent",
    "MeetingProposal",
    "Membership",
    "Notice",
    "Notification",
    "Organisation",
    "OrganisationQuerySet",
    "OutgoingMail",
    "PreparationStep",
    "Preview",
    "ProtocolNote",
    "ReceivedReply",
    "Recipient",
    "Recusal",
    "Reminder",
    "Remiss",
    "ReplyLink",
    "Reservation",
    "ReviewComment",
    "Seat",
    "SpecialStatement",
    "Statement",
    "StatementImport",
    "StatementVersion",
    "StatusEvent",
    "StoredDocument",
    "Vote",
    "VoteChoice",
    "WorkerHeartbeat",
    "attachment_path",
]
