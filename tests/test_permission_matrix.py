"""Who may use which URL: every URL pattern of the portal, asked by every role, by GET and by
POST, against the table of expected answers below (issue 7).

The test walks the project's URL resolver, so a pattern without a row in MATRIX fails by name
(and a row whose pattern is gone fails too): no page can be added without deciding who may use
it. The Django admin (/admin/) is left out; it has its own staff login and its own tests.

The roles (columns):

- ``anonym``: nobody logged in. On the public pages (/offentligt/, /tillganglighet/, the health
  check and the login page) this is the public visitor; everywhere else the answer is "login".
- Södermalm, the organisation that owns the case: ``handlaggare``, ``direktor``
  (förvaltningschef), ``sekreterare`` (nämndsekreterare), ``ordforande``, ``justerare``,
  ``ledamot``.
- Kungsholmen, another recipient of the same remiss: ``kun_handlaggare``, ``kun_sekreterare``.
- ``ks``: the remissamordnare of the sender (kommunstyrelsen).
- ``admin``: a superuser without any membership; the portal gives staff status no rights.

The answers: "login" (302 to the login page, with ?next=), 200, 202 (a document still being
rendered), 302 (any other redirect: after a POST, or to the archived copy), 401 (the autosave
script's answer when the session has ended), 403 (a member without the role, or the statement
no longer editable), 404 (outside the person's organisations: nothing shows that it exists),
405 (wrong method).

Pages that only read accept a POST as well and answer it like a GET (Django's default; only the
compilation's downloads are @require_safe): the table records that as it is.

Each request runs in a savepoint that is rolled back, so every role and every row meets the same
state; the objects of a world (see WORLDS) are built once for the rows that share it, up to
ROWS_PER_TEST at a time. Nothing is rendered as PDF except where the URL is the PDF.
"""

import copy
import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from remiss import documents, drafting, minutes, pdf, sending, workflow
from remiss.importing import read_bytes
from remiss.models import (
    Attachment,
    ExtensionRequest,
    Membership,
    Notice,
    Organisation,
    ReceivedReply,
    Recipient,
    Remiss,
    ReplyLink,
    StatementImport,
    StoredDocument,
)
from tests.conftest import editor_post, make_user
from tests.justifying import justify_at_once

Role = Membership.Role
LOGIN = "login"

SODERMALM = ("handlaggare", "direktor", "sekreterare", "ordforande", "justerare", "ledamot")
KUNGSHOLMEN = ("kun_handlaggare", "kun_sekreterare")
ROLES = ("anonym", *SODERMALM, *KUNGSHOLMEN, "ks", "admin")
GROUPS = {
    "sodermalm": SODERMALM,
    # The elected members: they see a statement only on an issued agenda (issue 12).
    "politicians": ("ordforande", "justerare", "ledamot"),
    "writers": ("handlaggare", "direktor"),  # EDITOR_ROLES: they draft the statement
    "kungsholmen": KUNGSHOLMEN,
}


def answers(default, **exceptions) -> dict[str, object]:
    """Every role's answer: the default, then the exceptions in order (a group, then a role in
    it, so the later and narrower one wins)."""
    table = dict.fromkeys(ROLES, default)
    for key, value in exceptions.items():
        for role in GROUPS.get(key, (key,)):
            if role not in table:
                raise KeyError(f"unknown role or group {role!r} in the table")
            table[role] = value
    return table


# The answers that recur.
EVERYONE = answers(200)
SIGNED_IN = answers(200, anonym=LOGIN)
SODERMALM_READS = answers(404, anonym=LOGIN, sodermalm=200)
NOBODY = answers(404, anonym=LOGIN)  # logged in or not, it does not exist for anyone
NOBODY_PUBLIC = answers(404)
POST_ONLY = answers(405)  # @require_POST wraps @login_required: even the anonymous get 405
# A statement not on an issued agenda: Södermalm's officials read it, its politicians get 404.
OFFICIALS_READ = answers(404, anonym=LOGIN, sodermalm=200, politicians=404)


def members_refused(**allowed):
    """An action on Södermalm's case: Södermalm's members without the role get 403, those
    listed get their answer, anyone outside Södermalm 404."""
    return answers(404, **{"anonym": LOGIN, "sodermalm": 403, **allowed})


def hidden_refused(**allowed):
    """As members_refused, on a statement not on an issued agenda: the politicians get 404."""
    return members_refused(politicians=404, **allowed)


@dataclass(frozen=True)
class Case:
    world: str  # the state the objects are in: see WORLDS
    kwargs: Callable[[SimpleNamespace], dict]
    get: dict
    post: dict
    why: str
    data: Callable[[SimpleNamespace], dict] | None = None  # the POST body; empty if None
    query: str | Callable[[SimpleNamespace], str] = ""
    label: str = ""  # tells several cases of one URL apart (defaults to the world)

    @property
    def id(self) -> str:
        return self.label or self.world


def case(world, kwargs, get, post=None, *, why, data=None, query="", label="") -> Case:
    """One row; without `post`, a POST answers like the GET (a page that only reads)."""
    return Case(world, kwargs, get, get if post is None else post, why, data, query, label)


NO_ARGS = lambda w: {}  # noqa: E731
RECIPIENT = lambda w: {"pk": w.recipient.pk}  # noqa: E731
STATEMENT = lambda w: {"pk": w.statement.pk}  # noqa: E731
MEETING = lambda w: {"pk": w.meeting.pk}  # noqa: E731
PARAGRAPH = lambda w: {"pk": w.meeting.pk, "number": w.item.number}  # noqa: E731
REMISS = lambda w: {"pk": w.remiss.pk}  # noqa: E731
REPLY = lambda w: {"pk": w.remiss.pk, "recipient_pk": w.recipient.pk}  # noqa: E731
DOCUMENT = lambda w: {"pk": w.document.pk}  # noqa: E731


def decision_post(w) -> dict:
    management = {
        f"{prefix}-{key}": 0
        for prefix in ["yrkanden", "reservationer", "uttalanden", "anteckningar"]
        for key in ["TOTAL_FORMS", "INITIAL_FORMS"]
    }
    return {"outcome": "adopted", "text": "Nämnden överlämnar utlåtandet.", **management}


def editor_data(w) -> dict:
    return editor_post(w.statement, summary="Förvaltningen tillstyrker.")


MATRIX: dict[str, tuple[Case, ...]] = {
    # --- Everyone's pages ----------------------------------------------------------------------
    "start": (case("awaiting", NO_ARGS, SIGNED_IN, why="Mina ärenden: each person's own list."),),
    "health": (case("awaiting", NO_ARGS, EVERYONE, why="For load balancers; shows nothing."),),
    "ready": (
        case(
            "awaiting",
            NO_ARGS,
            EVERYONE,
            why="Readiness for load balancers: ok or fel per service, no details.",
        ),
    ),
    "metrics": (
        case(
            "awaiting",
            NO_ARGS,
            NOBODY_PUBLIC,
            why="Prometheus only, with METRICS_TOKEN or from METRICS_ALLOWED_IPS (unset here).",
        ),
    ),
    "login": (
        case(
            "awaiting",
            NO_ARGS,
            answers(302, anonym=200),
            why="redirect_authenticated_user: the logged-in go to Mina ärenden, whatever the "
            "method; an empty POST shows the form's errors to the anonymous.",
        ),
    ),
    "logout": (
        case(
            "awaiting",
            NO_ARGS,
            answers(405),
            answers(302),
            why="Logging out takes a POST (Django's LogoutView); then to the login page.",
        ),
    ),
    "set_language": (
        case(
            "awaiting",
            NO_ARGS,
            answers(302),
            why="The language switch (Django's set_language), for anyone: a POST stores the "
            "choice in a cookie; every request is sent back to `next` (here none: the start).",
        ),
    ),
    "search": (
        case(
            "delivered",
            NO_ARGS,
            SIGNED_IN,
            query="?q=säkerhetsprogram",
            why="For the logged-in; the hits are scoped by search.search (tested there).",
        ),
    ),
    "meetings": (case("on_agenda", NO_ARGS, SIGNED_IN, why="Each person's own meetings."),),
    "notices": (case("noticed", NO_ARGS, SIGNED_IN, why="Notiser: each person's own."),),
    "notice_open": (
        case(
            "noticed",
            lambda w: {"pk": w.notice.pk},
            POST_ONLY,
            answers(404, anonym=LOGIN, direktor=302),
            why="A notice is its recipient's own (the direktor, asked to review); everyone "
            "else gets 404.",
        ),
    ),
    "notices_read_all": (
        case(
            "noticed",
            NO_ARGS,
            POST_ONLY,
            answers(302, anonym=LOGIN),
            why="Marks the person's own notices read, whoever they are.",
        ),
    ),
    # --- The recipient's case --------------------------------------------------------------------
    "recipient": (
        case(
            "awaiting",
            RECIPIENT,
            SODERMALM_READS,
            why="Södermalm's case: every member reads it; another recipient and the sender get "
            "404 (the sender follows it on the status board).",
        ),
    ),
    "statement_start": (
        case(
            "awaiting",
            RECIPIENT,
            POST_ONLY,
            members_refused(writers=302),
            why="Only the writers start the statement (then to the editor).",
        ),
    ),
    "import_upload": (
        case(
            "awaiting",
            RECIPIENT,
            members_refused(writers=200),
            why="Importera tjänsteutlåtande: the writers (an empty POST shows the form's errors).",
        ),
        case(
            "signed",
            RECIPIENT,
            members_refused(writers=302),
            why="Signed, nothing can be imported: the writers are sent back to the case.",
        ),
    ),
    "import_review": (
        case(
            "importing",
            lambda w: {"pk": w.recipient.pk, "import_pk": w.pending_import.pk},
            members_refused(handlaggare=200, direktor=404),
            why="A pending import is its reader's own: the handläggare who read the file in; "
            "the other writer gets 404 (an empty POST shows the form's errors).",
        ),
    ),
    "recipient_decline": (
        case(
            "awaiting",
            RECIPIENT,
            POST_ONLY,
            members_refused(direktor=302),
            data=lambda w: {"reason": "Nämnden berörs inte av programmet."},
            why="Avstå is a delegated decision of the förvaltningschef, not the secretary's.",
        ),
    ),
    "recipient_register": (
        case(
            "awaiting",
            RECIPIENT,
            POST_ONLY,
            members_refused(handlaggare=302),
            data=lambda w: {"registration_number": "SÖD 2019/2000"},
            why="Vårt dnr: the registrator or a handläggare of the recipient (no registrator "
            "among these personas).",
        ),
    ),
    "extension_request": (
        case(
            "awaiting",
            RECIPIENT,
            POST_ONLY,
            members_refused(handlaggare=302, direktor=302, sekreterare=302),
            data=lambda w: {"deadline": "2020-01-31", "reason": "Nämnden sammanträder i januari."},
            why="Anstånd: the handläggare, the förvaltningschef or the secretary; not the "
            "politicians.",
        ),
    ),
    # --- The statement ---------------------------------------------------------------------------
    "statement": (
        case(
            "draft",
            STATEMENT,
            OFFICIALS_READ,
            why="A draft: Södermalm's officials read it; its politicians see nothing of it.",
        ),
        case(
            "issued",
            STATEMENT,
            SODERMALM_READS,
            why="On an issued agenda (kallelse utfärdad): every member of Södermalm reads it.",
        ),
        case(
            "delivered",
            STATEMENT,
            SODERMALM_READS,
            why="Delivered, the sender reads the reply (reply page), never the working page.",
        ),
    ),
    "statement_edit": (
        case(
            "draft",
            STATEMENT,
            hidden_refused(writers=200),
            hidden_refused(writers=302),
            data=editor_data,
            why="A draft: the writers edit; a save is a new version (302). A POST after the "
            "session ended is kept through the login.",
        ),
        case(
            "signed",
            STATEMENT,
            hidden_refused(),
            data=editor_data,
            why="Signed, the text is frozen: 403 for the writers as for everyone of Södermalm.",
        ),
    ),
    "statement_autosave": (
        case(
            "draft",
            STATEMENT,
            POST_ONLY,
            hidden_refused(anonym=401, writers=200),
            data=lambda w: {"base_version": w.statement.version, "summary": "Utkast."},
            why="The editor's script: JSON, 401 (not a login page) when the session has ended.",
        ),
        case(
            "signed",
            STATEMENT,
            POST_ONLY,
            hidden_refused(anonym=401),
            data=lambda w: {"base_version": w.statement.version, "summary": "Utkast."},
            why="Signed: nothing to keep.",
        ),
    ),
    "statement_autosave_discard": (
        case(
            "draft",
            STATEMENT,
            POST_ONLY,
            answers(404, anonym=LOGIN, sodermalm=302, politicians=404),
            why="Throws away the person's own autosaved draft, if any: harmless for any member "
            "who may read the draft.",
        ),
    ),
    "statement_preview": (
        case("draft", STATEMENT, OFFICIALS_READ, why="Reading, not for politicians."),
    ),
    "statement_versions": (
        case("draft", STATEMENT, OFFICIALS_READ, why="Reading, not for politicians."),
    ),
    "statement_compare": (
        case("draft", STATEMENT, OFFICIALS_READ, query="?fran=1&till=2", why="Reading."),
    ),
    "statement_restore": (
        case(
            "draft",
            lambda w: {"pk": w.statement.pk, "number": 1},
            POST_ONLY,
            hidden_refused(writers=302),
            data=lambda w: {"base_version": w.statement.version},
            why="Restoring saves a new version: the writers, while a draft.",
        ),
        case(
            "signed",
            lambda w: {"pk": w.statement.pk, "number": 1},
            POST_ONLY,
            hidden_refused(),
            data=lambda w: {"base_version": w.statement.version},
            why="Signed: frozen, 403 for the writers too.",
        ),
    ),
    "statement_pdf": (
        case(
            "draft",
            STATEMENT,
            OFFICIALS_READ,
            answers(404, anonym=LOGIN, sodermalm=302, politicians=404),
            why="A preview marked UTKAST (rendered by a job; the test backend renders it at "
            "once); for Södermalm's officials only. A POST is Försök igen, then back to it.",
        ),
        case(
            "delivered",
            STATEMENT,
            answers(404, anonym=LOGIN, sodermalm=302),
            why="Justified: a redirect to the archived copy, never rendered anew.",
        ),
    ),
    "statement_docx": (
        case("draft", STATEMENT, OFFICIALS_READ, why="Ladda ner som Word: reading."),
    ),
    "import_original": (
        case(
            "imported",
            lambda w: {"pk": w.statement.pk, "import_pk": w.kept_import.pk},
            OFFICIALS_READ,
            why="The file a version was read from: everyone who reads the statement.",
        ),
    ),
    # One URL per move (issue 10: no catch-all /utlatanden/<pk>/<move>/ any more, so a move
    # that does not exist has no URL at all).
    "statement_submit": (
        case(
            "draft",
            STATEMENT,
            POST_ONLY,
            hidden_refused(writers=302),
            why="Lämna till granskning: handläggare or förvaltningschef.",
        ),
    ),
    "statement_sign": (
        case(
            "in_review",
            STATEMENT,
            hidden_refused(direktor=200),
            hidden_refused(direktor=302),
            why="Signera: the förvaltningschef only; the GET asks for confirmation, the POST "
            "signs.",
        ),
        case(
            "signed",
            STATEMENT,
            hidden_refused(direktor=302),
            why="Signed already: the förvaltningschef is sent back to the statement with a "
            "message; the others' roles never sign.",
        ),
    ),
    "statement_withdraw_submission": (
        case(
            "in_review",
            STATEMENT,
            POST_ONLY,
            hidden_refused(handlaggare=302),
            why="Ta tillbaka från granskningen: the statement's own handläggare, before the "
            "review starts; the förvaltningschef (a writer too) returns it instead (403).",
        ),
    ),
    "statement_start_review": (
        case(
            "in_review",
            STATEMENT,
            POST_ONLY,
            hidden_refused(direktor=302),
            why="Påbörja granskningen: the förvaltningschef only.",
        ),
    ),
    "statement_return": (
        case(
            "in_review",
            STATEMENT,
            POST_ONLY,
            hidden_refused(direktor=302),
            data=lambda w: {"comment": "Skriv om sammanfattningen."},
            why="Returnera: the förvaltningschef only.",
        ),
    ),
    "statement_withdraw": (
        case(
            "signed",
            STATEMENT,
            POST_ONLY,
            hidden_refused(direktor=302),
            why="Ta tillbaka: only the one who signed (direktor); the handläggare gets 403.",
        ),
    ),
    "statement_answer_on_delegation": (
        case(
            "signed",
            STATEMENT,
            POST_ONLY,
            hidden_refused(direktor=302),
            why="Besvara på delegation: the förvaltningschef, as the delegationsordning says; a "
            "remiss not marked for delegation is refused with a message (302), the others 403 "
            "(tests/test_delegation.py answers one).",
        ),
    ),
    "attachment": (
        case(
            "awaiting",
            lambda w: {"pk": w.remiss_attachment.pk},
            answers(404, anonym=LOGIN, sodermalm=200, kungsholmen=200, ks=200),
            label="remiss",
            why="The remiss' own document: the sender and every recipient.",
        ),
        case(
            "draft",
            lambda w: {"pk": w.statement_attachment.pk},
            OFFICIALS_READ,
            label="statement-draft",
            why="A draft's attachment: Södermalm only; not the other recipient, not the sender.",
        ),
        case(
            "delivered",
            lambda w: {"pk": w.statement_attachment.pk},
            SODERMALM_READS,
            label="statement-delivered",
            why="Delivered, the sender gets the PDF attachments inside the reply; the download "
            "stays Södermalm's (so a DOCX one never reaches the sender: raised in issue 7).",
        ),
    ),
    # --- Meetings --------------------------------------------------------------------------------
    "meeting_create": (
        case(
            "awaiting",
            NO_ARGS,
            answers(404, anonym=LOGIN, sekreterare=200, kun_sekreterare=200),
            why="A secretary, for their own council (an empty POST shows the form's errors); "
            "anyone else has no council to create one for.",
        ),
        case(
            "awaiting",
            NO_ARGS,
            answers(404, anonym=LOGIN, sekreterare=200),
            query=lambda w: f"?namnd={w.recipient.organisation_id}",
            label="namnd-sodermalm",
            why="?namnd= picks among the person's own councils: Kungsholmen's secretary cannot "
            "open the form for Södermalm's council.",
        ),
    ),
    "meeting": (case("on_agenda", MEETING, SODERMALM_READS, why="The agenda: every member."),),
    "meeting_add_statement": (
        case(
            "signed",
            MEETING,
            POST_ONLY,
            members_refused(sekreterare=302),
            data=lambda w: {"statement": w.statement.pk},
            why="The secretary puts the signed statement on the agenda.",
        ),
    ),
    "meeting_add_item": (
        case(
            "signed",
            MEETING,
            POST_ONLY,
            members_refused(sekreterare=302),
            data=lambda w: {"title": "Övriga frågor"},
            why="The secretary only.",
        ),
    ),
    "meeting_justify": (
        case(
            "decided",
            MEETING,
            members_refused(ordforande=200, justerare=200),
            members_refused(ordforande=400, justerare=400),
            why="The chair and the appointed justifiers, each for themselves: the text and the "
            "password field; a POST without the password signs nothing (400). The secretary "
            "never justifies (403).",
        ),
        case(
            "on_agenda",
            MEETING,
            members_refused(ordforande=302, justerare=302),
            label="undecided",
            why="Not every paragraph decided: the justifiers are sent back to the meeting.",
        ),
    ),
    "paragraph_justify": (
        case(
            "marked",
            PARAGRAPH,
            members_refused(ordforande=200, justerare=200),
            members_refused(ordforande=400, justerare=400),
            why="A paragraph the meeting decided to justify at once: the chair and the "
            "justerare sign it themselves; the secretary only marked it (403).",
        ),
        case(
            "decided",
            PARAGRAPH,
            members_refused(ordforande=302, justerare=302),
            label="not-immediate",
            why="Not to be justified at once: it is justified with the protokoll; back to the "
            "paragraph.",
        ),
    ),
    "delegated_report": (
        case(
            "on_agenda",
            MEETING,
            POST_ONLY,
            members_refused(sekreterare=302),
            why="Anmälan av delegationsbeslut: the secretary puts them on the agenda.",
        ),
    ),
    "paragraph": (case("on_agenda", PARAGRAPH, SODERMALM_READS, why="Every member reads it."),),
    "decision_record": (
        case(
            "on_agenda",
            PARAGRAPH,
            members_refused(sekreterare=200),
            members_refused(sekreterare=302),
            data=decision_post,
            why="The secretary records the decision (then to the paragraph).",
        ),
        case(
            "decided",
            PARAGRAPH,
            members_refused(sekreterare=302),
            data=decision_post,
            why="Already decided: the secretary is sent to the paragraph; nothing recorded twice.",
        ),
    ),
    "extract_pdf": (
        case(
            "decided",
            PARAGRAPH,
            SODERMALM_READS,
            answers(404, anonym=LOGIN, sodermalm=302),
            why="Decided, not justified: a preview marked as a draft, for Södermalm. A POST is "
            "Försök igen, then back to it.",
        ),
        case(
            "delivered",
            PARAGRAPH,
            answers(404, anonym=LOGIN, sodermalm=302),
            why="Justified: a redirect to the archived copy.",
        ),
    ),
    "document": (
        case(
            "archived",
            DOCUMENT,
            answers(404, anonym=LOGIN, sodermalm=200, ks=200),
            why="An archived document: the council's organisation, and the sender once "
            "delivered; not the other recipient.",
        ),
        case(
            "delivered",
            DOCUMENT,
            answers(404, anonym=LOGIN, sodermalm=202, ks=202),
            label="pending",
            why="Still being rendered: 202 and a page that says so, to the same people.",
        ),
    ),
    # --- The meeting as the law knows it (issue 11) -------------------------------------------
    "meeting_attendance": (
        case(
            "on_agenda",
            MEETING,
            members_refused(sekreterare=200),
            why="Närvaro, ordförande, justerare: the secretary (an empty POST shows the errors).",
        ),
    ),
    "meeting_change": (
        case(
            "on_agenda",
            MEETING,
            members_refused(sekreterare=200),
            why="Tid och plats: the secretary (an empty POST shows the errors).",
        ),
    ),
    "agenda_issue": (
        case(
            "on_agenda",
            MEETING,
            POST_ONLY,
            members_refused(sekreterare=302),
            why="Skicka kallelsen: the secretary (then back to the meeting).",
        ),
    ),
    "agenda_pdf": (
        case(
            "issued",
            lambda w: {"pk": w.meeting.pk, "version": 1},
            SODERMALM_READS,
            why="The kallelse as issued: every member of the council's organisation.",
        ),
        case(
            "issuing",
            lambda w: {"pk": w.meeting.pk, "version": 1},
            answers(404, anonym=LOGIN, sodermalm=202),
            answers(404, anonym=LOGIN, sodermalm=302),
            label="being-rendered",
            why="Issued, its PDF still being made by the worker: a page that says so (202); a "
            "POST is 'try again', which does nothing before a rendering has failed.",
        ),
        case(
            "on_agenda",
            lambda w: {"pk": w.meeting.pk, "version": 1},
            answers(404, anonym=LOGIN),
            label="not-issued",
            why="Not issued yet: 404 for everyone.",
        ),
    ),
    "minutes_pdf": (
        case(
            "decided",
            MEETING,
            SODERMALM_READS,
            answers(404, anonym=LOGIN, sodermalm=302),
            why="The whole protokoll (UTKAST until justified), a preview: Södermalm only. A "
            "POST is Försök igen, then back to it.",
        ),
    ),
    "item_move": (
        case(
            "on_agenda",
            PARAGRAPH,
            POST_ONLY,
            members_refused(sekreterare=302),
            data=lambda w: {"position": 1},
            why="Flytta en punkt: the secretary.",
        ),
    ),
    "item_remove": (
        case(
            "on_agenda",
            PARAGRAPH,
            POST_ONLY,
            members_refused(sekreterare=302),
            data=lambda w: {"reason": "Ärendet behöver beredas."},
            why="Stryk en punkt: the secretary, with a reason.",
        ),
    ),
    "recusal_add": (
        case(
            "on_agenda",
            PARAGRAPH,
            POST_ONLY,
            members_refused(sekreterare=302),
            data=lambda w: {"member": w.council[2].person_id},
            why="Jäv: the secretary records who leaves the paragraph.",
        ),
    ),
    "recusal_remove": (
        case(
            "recused",
            lambda w: {"pk": w.meeting.pk, "number": w.item.number, "recusal_pk": w.recusal.pk},
            POST_ONLY,
            members_refused(sekreterare=302),
            data=lambda w: {"reason": "Felregistrerat."},
            why="Ta bort jävet: the secretary, with a reason.",
        ),
    ),
    "decision_correct": (
        case(
            "decided",
            PARAGRAPH,
            members_refused(sekreterare=200),
            members_refused(sekreterare=302),
            data=lambda w: {**decision_post(w), "rattelse-reason": "Fel beslutstext."},
            why="Rätta beslutet före justeringen: the secretary, with a reason.",
        ),
        case(
            "delivered",
            PARAGRAPH,
            members_refused(sekreterare=302),
            data=lambda w: {**decision_post(w), "rattelse-reason": "Fel beslutstext."},
            label="justified",
            why="Justified: nothing changes; the secretary is sent back to the paragraph.",
        ),
    ),
    "reservation_reasons": (
        case(
            "reserved",
            lambda w: {
                "pk": w.meeting.pk,
                "number": w.item.number,
                "reservation_pk": w.reservation.pk,
            },
            POST_ONLY,
            members_refused(sekreterare=302),
            data=lambda w: {"reason": "Programmet saknar resurser."},
            why="Reservationens motivering, before justification: the secretary records it.",
        ),
    ),
    "public_meeting": (
        case("issued", MEETING, EVERYONE, why="An open meeting's issued agenda is public."),
        case(
            "on_agenda",
            MEETING,
            NOBODY_PUBLIC,
            label="not-issued",
            why="Not issued (and not open): 404 for everyone.",
        ),
    ),
    "public_agenda": (
        case(
            "issued",
            lambda w: {"pk": w.meeting.pk, "version": 1},
            EVERYONE,
            why="The kallelse of an open meeting, as issued.",
        ),
        case(
            "issuing",
            lambda w: {"pk": w.meeting.pk, "version": 1},
            answers(202),
            label="being-rendered",
            why="Its PDF still being made: the waiting page, without 'try again' for the public.",
        ),
    ),
    # --- The sender's side -----------------------------------------------------------------------
    "remiss_create": (
        case(
            "awaiting",
            NO_ARGS,
            answers(404, anonym=LOGIN, ks=200),
            why="The remissamordnare only (an empty POST shows the form's errors).",
        ),
    ),
    "remiss_status": (
        case("awaiting", REMISS, answers(404, anonym=LOGIN, ks=200), why="The sender only."),
    ),
    "extension_decide": (
        case(
            "extension",
            lambda w: {"pk": w.remiss.pk, "request_pk": w.extension.pk},
            POST_ONLY,
            answers(404, anonym=LOGIN, ks=302),
            data=lambda w: {"decision": "grant", "answer": "Beviljas."},
            why="The sender's coordinator answers; the recipient cannot grant itself.",
        ),
        case(
            "extension",
            lambda w: {"pk": w.other_remiss.pk, "request_pk": w.extension.pk},
            POST_ONLY,
            NOBODY,
            data=lambda w: {"decision": "grant", "answer": "Beviljas."},
            label="other-remiss",
            why="The request under another of the sender's remisses: 404, even for ks.",
        ),
    ),
    "remind": (
        case(
            "awaiting",
            REMISS,
            POST_ONLY,
            answers(404, anonym=LOGIN, ks=302),
            why="The sender's coordinator.",
        ),
    ),
    "reply": (
        case(
            "draft",
            REPLY,
            NOBODY,
            why="Before delivery the sender sees nothing of the recipient's work.",
        ),
        case(
            "delivered",
            REPLY,
            answers(404, anonym=LOGIN, ks=200),
            why="Delivered: the sender reads the reply.",
        ),
        case(
            "delivered",
            lambda w: {"pk": w.other_remiss.pk, "recipient_pk": w.recipient.pk},
            NOBODY,
            label="other-remiss",
            why="A reply looked up under another remiss of the same sender: 404.",
        ),
    ),
    **{
        name: (
            case(
                "delivered",
                REMISS,
                answers(404, anonym=LOGIN, ks=200),
                answers(405, anonym=LOGIN),
                why="The sender's compilation; @require_safe inside @login_required.",
            ),
        )
        for name in ["compilation", "compilation_csv", "compilation_xlsx"]
    },
    "compilation_pdf": (
        case(
            "delivered",
            REMISS,
            answers(404, anonym=LOGIN, ks=200),
            answers(404, anonym=LOGIN, ks=302),
            why="The sender's compilation as a preview PDF; a POST is Försök igen (then back "
            "to it), for the sender only.",
        ),
    ),
    # --- Changing and closing a round, outside instanser, remisses from outside (issue 16) ------
    "remiss_change": (
        case(
            "awaiting",
            REMISS,
            answers(404, anonym=LOGIN, ks=200),
            answers(404, anonym=LOGIN, ks=302),
            data=lambda w: {"title": "Ny rubrik", "description": ""},
            why="Ändra remissen: the sender's coordinator; the recipients get 404.",
        ),
    ),
    "remiss_add_recipients": (
        case(
            "awaiting",
            REMISS,
            answers(404, anonym=LOGIN, ks=200),
            why="The sender's coordinator (an empty POST shows the form's errors).",
        ),
    ),
    "remiss_recall": (
        case(
            "awaiting",
            REMISS,
            POST_ONLY,
            answers(404, anonym=LOGIN, ks=302),
            data=lambda w: {"reason": "Förslaget arbetas om."},
            why="Återkalla: the sender's coordinator, with a reason.",
        ),
    ),
    "remiss_close": (
        case(
            "awaiting",
            REMISS,
            POST_ONLY,
            answers(404, anonym=LOGIN, ks=302),
            why="Avsluta remissomgången (the deadline has passed): the sender's coordinator.",
        ),
    ),
    "reply_register": (
        case(
            "outside",
            lambda w: {"pk": w.remiss.pk, "recipient_pk": w.outside.pk},
            answers(404, anonym=LOGIN, ks=200),
            why="Registrera svar: the sender's coordinator (an empty POST shows the errors).",
        ),
        case(
            "outside",
            lambda w: {"pk": w.other_remiss.pk, "recipient_pk": w.outside.pk},
            NOBODY,
            label="other-remiss",
            why="A recipient looked up under another remiss of the same sender: 404.",
        ),
    ),
    "incoming_create": (
        case(
            "awaiting",
            NO_ARGS,
            answers(404, anonym=LOGIN, ks=200),
            why="Registrera inkommen remiss: a coordinator or registrar (an empty POST shows "
            "the form's errors).",
        ),
    ),
    "forward": (
        case(
            "incoming",
            lambda w: {"pk": w.case.pk},
            answers(404, anonym=LOGIN, ks=200),
            why="Skicka vidare: kommunstyrelsen's coordinator, on its own case of an outside "
            "remiss (an empty POST shows the form's errors); anyone else 404.",
        ),
        case(
            "awaiting",
            RECIPIENT,
            answers(404, anonym=LOGIN, sodermalm=403),
            label="not-a-coordinator",
            why="Södermalm's own case: its members have no coordinator to send it on.",
        ),
    ),
    "public_received_reply": (
        case(
            "outside_answered",
            lambda w: {"pk": w.remiss.pk, "recipient_pk": w.outside.pk},
            EVERYONE,
            why="A registered reply from outside is an inkommen handling: public.",
        ),
        case(
            "outside",
            lambda w: {"pk": w.remiss.pk, "recipient_pk": w.outside.pk},
            NOBODY_PUBLIC,
            label="not-answered",
            why="No reply yet: 404.",
        ),
    ),
    "reply_link": (
        case(
            "outside",
            lambda w: {"pk": w.remiss.pk, "token": w.token},
            EVERYONE,
            why="The personal link works without login for whoever holds it (an empty POST "
            "shows the form's errors).",
        ),
        case(
            "outside_expired",
            lambda w: {"pk": w.remiss.pk, "token": w.token},
            answers(410),
            label="expired",
            why="An expired link is refused, for everyone.",
        ),
        case(
            "outside_answered",
            lambda w: {"pk": w.remiss.pk, "token": w.token},
            answers(410),
            label="used",
            why="A used link is refused: single use.",
        ),
        case(
            "outside",
            lambda w: {"pk": w.other_remiss.pk, "token": w.token},
            NOBODY_PUBLIC,
            label="other-remiss",
            why="The token under another remiss' address does not exist.",
        ),
    ),
    # --- Public pages (offentlighetsprincipen) ----------------------------------------------------
    "public_remisses": (case("awaiting", NO_ARGS, EVERYONE, why="Sent remisses, for anyone."),),
    # --- The anslagstavla (issue 12): public, without login -----------------------------------
    "noticeboard": (case("delivered", NO_ARGS, EVERYONE, why="The notices up now, for anyone."),),
    "noticeboard_archive": (
        case("delivered", NO_ARGS, EVERYONE, why="Notices taken down, for anyone."),
    ),
    "noticeboard_feed": (
        case("delivered", NO_ARGS, EVERYONE, why="The notices up now as an Atom feed."),
    ),
    "notice": (
        case(
            "delivered",
            lambda w: {"pk": w.notice.pk},
            EVERYONE,
            why="A posted notice is public, for anyone.",
        ),
        case(
            "decided",
            lambda w: {"pk": 999_999},
            NOBODY_PUBLIC,
            label="missing",
            why="No such notice: 404.",
        ),
    ),
    "accessibility": (
        case("awaiting", NO_ARGS, EVERYONE, why="Tillgänglighetsredogörelse, for anyone."),
    ),
    "help": (case("awaiting", NO_ARGS, EVERYONE, why="Hjälp: who does what, for anyone."),),
    "public_remiss": (
        case("awaiting", REMISS, EVERYONE, why="A sent remiss is public."),
        case(
            "unsent",
            lambda w: {"pk": w.unsent.pk},
            NOBODY_PUBLIC,
            why="Not yet sent: 404 for everyone, the sender included (it is a public page).",
        ),
    ),
    "public_reply": (
        case("delivered", REPLY, EVERYONE, why="A delivered reply is public."),
        case("draft", REPLY, NOBODY_PUBLIC, why="Not delivered: 404, as if it did not exist."),
        case(
            "delivered",
            lambda w: {"pk": w.other_remiss.pk, "recipient_pk": w.recipient.pk},
            NOBODY_PUBLIC,
            label="other-remiss",
            why="A delivered reply under another remiss' address: 404.",
        ),
    ),
    "public_document": (
        case("archived", DOCUMENT, EVERYONE, why="An archived document of a delivered reply."),
        case(
            "delivered",
            DOCUMENT,
            NOBODY_PUBLIC,
            label="pending",
            why="Not yet rendered: 404 (never rendered on demand).",
        ),
    ),
    # --- Open data: OParl 1.1 (issue 18): public, read-only, the same for everyone ----------------
    **{
        f"oparl:{name}": (
            case(
                "archived",
                kwargs,
                EVERYONE,
                answers(405),
                why="OParl: public and read-only (require_safe); logging in changes nothing.",
            ),
        )
        for name, kwargs in {
            "system": NO_ARGS,
            "body_list": NO_ARGS,
            "body": lambda w: {"pk": 1},
            **{
                f"body_{kind}": lambda w: {"body": 1}
                for kind in [
                    "organization",
                    "person",
                    "membership",
                    "meeting",
                    "agendaitem",
                    "paper",
                    "consultation",
                    "file",
                ]
            },
            "organization": lambda w: {"pk": w.recipient.organisation_id},
            "organization_meeting": lambda w: {"pk": w.recipient.organisation_id},
            "organization_consultation": lambda w: {"pk": w.recipient.organisation_id},
            "person": lambda w: {"pk": w.meeting.chair_id},
            "membership": lambda w: {
                "pk": Membership.objects.get(user=w.meeting.chair, role=Role.CHAIR).pk
            },
            "meeting": MEETING,
            "agendaitem": lambda w: {"pk": w.item.pk},
            "paper_statement": STATEMENT,
            "consultation": RECIPIENT,
            "file": DOCUMENT,
            "file_access": DOCUMENT,
        }.items()
    },
    "oparl:paper_reply": (
        case(
            "archived",
            RECIPIENT,
            EVERYONE,
            answers(405),
            why="A delivered reply is public in OParl as on the public pages.",
        ),
        case(
            "draft",
            RECIPIENT,
            NOBODY_PUBLIC,
            answers(405),
            why="Not delivered: 404 for everyone, logged in or not (the public rules only).",
        ),
    ),
    "oparl:paper_remiss": (
        case("archived", REMISS, EVERYONE, answers(405), why="A sent remiss is public."),
        case(
            "unsent",
            lambda w: {"pk": w.unsent.pk},
            NOBODY_PUBLIC,
            answers(405),
            why="Not yet sent: 404, as on the public pages.",
        ),
    ),
    # --- The integration API (issue 18): a token per system; a session is not a token ---------
    "api:openapi-json": (
        case(
            "awaiting",
            NO_ARGS,
            EVERYONE,
            why="The OpenAPI document: public, at a stable address (django-ninja's view answers "
            "a POST like a GET).",
        ),
    ),
    "api:api-root": (
        case(
            "awaiting",
            NO_ARGS,
            NOBODY_PUBLIC,
            why="django-ninja's root: nothing there (the operations are under it).",
        ),
    ),
    **{
        f"api:{name}": (
            case(
                "archived",
                kwargs,
                answers(401),
                answers(405),
                why="Read with a token only: a browser session (any role) gets 401; POST 405.",
            ),
        )
        for name, kwargs in {
            "remiss_list": NO_ARGS,
            "remiss_detail": REMISS,
            "remiss_replies": REMISS,
            "reply_detail": RECIPIENT,
            "document": DOCUMENT,
        }.items()
    },
    **{
        f"api:{name}": (
            case(
                "awaiting",
                kwargs,
                answers(405),
                why="PUT with a token only (the diarium's number): GET and POST are 405.",
            ),
        )
        for name, kwargs in {
            "remiss_registration": REMISS,
            "reply_registration": RECIPIENT,
            "webhook_delete": lambda w: {"pk": 1},
        }.items()
    },
    **{
        f"api:{name}": (
            case(
                "awaiting",
                NO_ARGS,
                answers(401),
                why="The system's webhooks (GET lists, POST subscribes): a token only.",
            ),
        )
        for name in ["webhooks", "webhook_create"]
    },
    # --- E-arkiv (issue 18) ---------------------------------------------------------------------
    "archive_recipient": (
        case(
            "archived",
            RECIPIENT,
            answers(404, anonym=LOGIN, sodermalm=403, sekreterare=200),
            answers(405),
            why="Södermalm's closed case as an FGS package: the registrator or the "
            "nämndsekreterare; other members 403, outside Södermalm 404; require_safe.",
        ),
        case(
            "awaiting",
            RECIPIENT,
            answers(404, anonym=LOGIN, sodermalm=403, sekreterare=409),
            answers(405),
            label="open",
            why="Not closed: 409 and the reason, to the same people.",
        ),
    ),
    "archive_remiss": (
        case(
            "archived",
            REMISS,
            answers(404, anonym=LOGIN, ks=200),
            answers(405),
            why="The sender's remiss round (deadline passed): the registrator or remissamordnare.",
        ),
    ),
}


# --- The objects each case needs ------------------------------------------------------------------


def _statement_attachment(statement, user) -> Attachment:
    """A Word attachment (not appended to the reply PDF, so nothing needs to parse it)."""
    attachment = Attachment(
        statement=statement,
        title="Trygghetsvandringar 2019",
        original_name="trygghetsvandringar.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=10,
        sha256=hashlib.sha256(b"PK\x03\x04 docx").hexdigest(),  # true, so an export accepts it
        uploaded_by=user,
    )
    attachment.file.save("trygghetsvandringar.docx", ContentFile(b"PK\x03\x04 docx"), save=True)
    return attachment


def _draft(fx, w):
    w.statement = fx("started")
    w.statement_attachment = _statement_attachment(w.statement, fx("handlaggare"))
    # A second version, so that there are two to compare.
    w.statement = drafting.restore_version(
        statement=w.statement, user=fx("handlaggare"), number=1, base_version=1
    )


def _in_review(fx, w):
    w.statement = workflow.submit(statement=fx("started"), user=fx("handlaggare"))


def _signed(fx, w):
    w.statement = fx("signed")
    w.meeting = fx("meeting")


def _on_agenda(fx, w):
    w.item = fx("on_agenda")
    w.meeting, w.statement = w.item.meeting, w.item.statement


def _issuing(fx, w):
    """On the agenda of an open meeting whose kallelse is issued, its PDF still being made by
    the worker."""
    _on_agenda(fx, w)
    w.meeting.open = True
    w.meeting.save()
    w.issue = workflow.issue_agenda(meeting=w.meeting, user=fx("sekreterare"))


def _issued(fx, w):
    """As _issuing, the kallelse's PDF made (the worker's job)."""
    _issuing(fx, w)
    minutes.render_now(w.issue.pk)


def _recused(fx, w):
    _on_agenda(fx, w)
    w.recusal = workflow.record_recusal(
        item=w.item, user=fx("sekreterare"), member=w.council[2].person
    )


def _reserved(fx, w):
    _on_agenda(fx, w)
    w.decision = workflow.record_decision(
        item=w.item,
        user=fx("sekreterare"),
        record=workflow.DecisionRecord(
            outcome="adopted", text="Bifall.", reservations=[(fx("justerare").pk, "")]
        ),
    )
    w.reservation = w.decision.reservations.get()


def _decide(fx, w, *, immediate: bool):
    _on_agenda(fx, w)
    w.decision = workflow.record_decision(
        item=w.item,
        user=fx("sekreterare"),
        record=workflow.DecisionRecord(outcome="adopted", text="Bifall.", immediate=immediate),
    )


def _delivered(fx, w):
    """Adopted with immediate justification, which the chair and the justerare signed:
    delivered and posted on the anslagstavla, the documents ordered but (with the dummy task
    backend) not rendered yet."""
    w.statement_attachment = _statement_attachment(fx("started"), fx("handlaggare"))
    _decide(fx, w, immediate=True)
    justify_at_once(w.decision)
    w.notice = Notice.objects.get(decision=w.decision)
    w.recipient.refresh_from_db()
    assert w.recipient.status == Recipient.Status.DELIVERED
    w.document = StoredDocument.objects.get(decision=w.decision, kind=StoredDocument.Kind.REPLY)


def _archived(fx, w):
    _delivered(fx, w)
    documents.render_pending(w.decision.pk)
    w.document.refresh_from_db()
    assert w.document.state == StoredDocument.State.READY


def _extension(fx, w):
    w.extension = ExtensionRequest.objects.create(
        recipient=w.recipient,
        requested_deadline=datetime.date(2020, 1, 31),
        reason="Nämnden sammanträder i januari.",
        requested_by=fx("handlaggare"),
    )


def _noticed(fx, w):
    """Submitted: the direktor has a notice to review it."""
    from remiss.models import Notification

    _in_review(fx, w)
    w.notice = Notification.objects.get(recipient=fx("direktor"), kind="submitted")


def _pending_import(fx, w):
    w.pending_import = StatementImport.objects.create(
        recipient=w.recipient,
        uploaded_by=fx("handlaggare"),
        original_name="utlatande.txt",
        content_type="text/plain",
        size=4,
        sha256="c" * 64,
        recognised=read_bytes(IMPORTED_TEXT, "text/plain").to_json(),
    )
    w.pending_import.file.save("utlatande.txt", ContentFile(IMPORTED_TEXT), save=True)


def _imported(fx, w):
    _pending_import(fx, w)
    w.statement = fx("started")
    w.kept_import = w.pending_import
    w.kept_import.statement, w.kept_import.version = w.statement, 1
    w.kept_import.save()


IMPORTED_TEXT = (
    "Handläggare: Eva-Lena Eirefelt\nTill: Södermalms stadsdelsnämnd\nDatum: 2019-12-12\n\n"
    "Säkerhetsprogram\n\nFörslag till beslut\n\n1. Nämnden överlämnar utlåtandet.\n\n"
    "Sammanfattning\n\nFörvaltningen tillstyrker.\n"
).encode()


def _unsent(fx, w):
    w.unsent = Remiss.objects.create(
        sender=fx("ks"),
        registration_number="KS 2020/77",
        title="Ännu inte skickad remiss",
        deadline=datetime.date(2020, 6, 1),
    )
    Recipient.objects.create(remiss=w.unsent, organisation=fx("sodermalm"))


def _outside(fx, w):
    """An outside instans (a myndighet) asked too, with its personal reply link."""
    police = Organisation.objects.create(
        name="Polismyndigheten",
        kind=Organisation.Kind.STATE_AUTHORITY,
        valid_from=datetime.date(2007, 1, 1),
        contact_email="registrator@polisen.example",
    )
    w.outside = Recipient.objects.create(remiss=w.remiss, organisation=police)
    w.token = sending.issue_reply_link(w.outside)
    # The remiss' deadline is past: the link lives until two weeks after it, so move it.
    ReplyLink.objects.filter(recipient=w.outside).update(
        expires_at=timezone.now() + datetime.timedelta(days=7)
    )


def _outside_expired(fx, w):
    _outside(fx, w)
    ReplyLink.objects.filter(recipient=w.outside).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )


def _outside_answered(fx, w):
    _outside(fx, w)
    sending.reply_through_link(
        remiss_pk=w.remiss.pk,
        token=w.token,
        received=workflow.ReceivedDocument(
            checked=SimpleNamespace(
                original_name="svar.pdf",
                content_type="application/pdf",
                size=8,
                sha256=hashlib.sha256(b"%PDF-1.4").hexdigest(),
                extension=".pdf",
            ),
            upload=ContentFile(b"%PDF-1.4", name="svar.pdf"),
            received_on=timezone.localdate(),
            channel=ReceivedReply.Channel.LINK,
            submitted_by_name="Anna Polis",
        ),
    )


def _incoming(fx, w):
    """A remiss from a ministry, registered at kommunstyrelsen."""
    ministry = Organisation.objects.create(
        name="Finansdepartementet",
        kind=Organisation.Kind.STATE_AUTHORITY,
        valid_from=datetime.date(2007, 1, 1),
    )
    today = timezone.localdate()
    w.case = sending.register_incoming(
        new=sending.NewIncoming(
            remittent=ministry,
            registration_number="Fi2026/01234",
            reference="SOU 2026:12",
            title="En ny kommunallag",
            description="",
            received_on=today,
            deadline=today + datetime.timedelta(days=90),
            own_number="KS 2026/456",
            attachments=[],
        ),
        organisation=fx("ks"),
        user=fx("ks_samordnare"),
    )


WORLDS = {
    "awaiting": lambda fx, w: None,  # the remiss sent; Södermalm has not started
    "draft": _draft,
    "in_review": _in_review,
    "signed": _signed,
    "on_agenda": _on_agenda,
    "decided": lambda fx, w: _decide(fx, w, immediate=False),
    "marked": lambda fx, w: _decide(fx, w, immediate=True),
    "issued": _issued,
    "issuing": _issuing,
    "recused": _recused,
    "reserved": _reserved,
    "delivered": _delivered,
    "archived": _archived,
    "extension": _extension,
    "noticed": _noticed,
    "unsent": _unsent,
    "importing": _pending_import,
    "imported": _imported,
    "outside": _outside,
    "outside_expired": _outside_expired,
    "outside_answered": _outside_answered,
    "incoming": _incoming,
}


def build_world(name: str, request) -> SimpleNamespace:
    fx = request.getfixturevalue
    w = SimpleNamespace(
        remiss=fx("remiss"), recipient=fx("sodermalm_recipient"), council=fx("council")
    )
    w.remiss_attachment = Attachment(
        remiss=w.remiss,
        title="Remissversion av programmet",
        original_name="program.pdf",
        content_type="application/pdf",
        size=8,
        sha256=hashlib.sha256(b"%PDF-1.4").hexdigest(),
    )
    w.remiss_attachment.file.save("program.pdf", ContentFile(b"%PDF-1.4"), save=True)
    w.other_remiss = Remiss.objects.create(  # another remiss of the same sender
        sender=fx("ks"),
        registration_number="KS 2019/9",
        title="En annan remiss",
        sent_on=w.remiss.sent_on,
        deadline=w.remiss.deadline,
    )
    WORLDS[name](fx, w)
    return w


@pytest.fixture
def people(
    handlaggare,
    direktor,
    sekreterare,
    ordforande,
    justerare,
    outsider,
    kungsholmen,
    ks_samordnare,
    admin_user,
    sodermalm,
):
    return {
        "anonym": None,
        "handlaggare": handlaggare,
        "direktor": direktor,
        "sekreterare": sekreterare,
        "ordforande": ordforande,
        "justerare": justerare,
        "ledamot": make_user("ledamot", sodermalm, Role.MEMBER),
        "kun_handlaggare": outsider,
        "kun_sekreterare": make_user("kun_sekreterare", kungsholmen, Role.SECRETARY),
        "ks": ks_samordnare,
        "admin": admin_user,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def no_pdf_layout(monkeypatch):
    """Who may fetch a document is the question here, not how it looks. Each document's HTML is
    still made from its templates (a template error or a missing permission check still shows),
    but WeasyPrint's layout, a second or more per document and 22 requests per row, is left to
    the tests whose point it is (tests/test_pdf.py, tests/test_documents.py, …)."""

    def laid_out(html: str) -> bytes:
        return b"%PDF-1.7\n% " + hashlib.sha256(html.encode()).hexdigest().encode() + b"\n%%EOF\n"

    def reply(decision, files) -> bytes:
        return laid_out(pdf.extract_html(decision) + pdf.statement_html(decision.item.statement))

    monkeypatch.setattr(pdf, "render_pdf", laid_out)
    monkeypatch.setattr(pdf, "reply_pdf", reply)


# --- Asking ------------------------------------------------------------------------------------


def project_patterns() -> dict[str, str]:
    """Every named URL pattern of the project, with its route, the admin left out."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("/admin/"):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                found[f"{namespace}{pattern.name}" if pattern.name else f"<unnamed> {route}"] = (
                    route
                )

    walk(get_resolver().url_patterns, "/", "")
    return found


PATTERNS = project_patterns()


def answer_of(response) -> object:
    if response.status_code == 302:
        location = urlsplit(response["Location"])
        if location.path == reverse("login") and "next" in parse_qs(location.query):
            return LOGIN
    return response.status_code


def logged_in(user) -> Client:
    """A client logged in as `user` (anonymous for None), once per role and case: a login
    writes a session and the last-login time, which 22 logins per row made a fifth of the
    matrix's time."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def ask(client: Client, user, method: str, url: str, data: dict) -> object:
    """One request, as `user`, in a savepoint rolled back afterwards: every role meets the
    same state. The client's cookies are put back as they were too, so that a page that logs
    out or changes the session does not change who asks next."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data)
        if response.streaming:  # read to the end: the test client then closes the file
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    client.cookies = cookies
    # Nothing a logged-in person is answered may be kept by a browser or a proxy (issue 13).
    assert user is None or "no-store" in response.get("Cache-Control", ""), (method, url)
    assert not leaked_template_text(response), (method, url, leaked_template_text(response))
    return answer_of(response)


# What a page shows when a template goes wrong: a Django comment or tag printed as text (a {# #}
# comment spread over two lines), or Python's None where a value was missing.
LEAKS = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}|>\s*None\s*<|=\"None\"")
SCRIPTS = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL)


def leaked_template_text(response) -> list[str]:
    """Template syntax or None in an HTML page's text, as found (empty when the page is clean)."""
    if response.streaming or "text/html" not in response.get("Content-Type", ""):
        return []
    return LEAKS.findall(SCRIPTS.sub("", response.content.decode()))


# Rows asked in one test: the rows of one world share the world and the logged-in clients (each
# request is rolled back, so each row meets the world as built). Building them took half the
# matrix's time when each row built its own; the largest worlds are split so that the workers
# still share them.
ROWS_PER_TEST = 12


def parameters():
    rows_of: dict[str, list[tuple[str, int]]] = {}
    for name in sorted(MATRIX):
        ids = [c.id for c in MATRIX[name]]
        if len(set(ids)) != len(ids):
            raise ValueError(f"two cases of {name!r} share a label: give them labels")
        for index, row in enumerate(MATRIX[name]):
            rows_of.setdefault(row.world, []).append((name, index))
    for world, rows in sorted(rows_of.items()):
        parts = -(-len(rows) // ROWS_PER_TEST)
        for part in range(parts):
            label = world if parts == 1 else f"{world}-{part + 1}of{parts}"
            yield pytest.param(world, rows[part::parts], id=label)


def test_every_url_pattern_has_a_row_and_every_row_a_pattern():
    without_row = sorted(PATTERNS.keys() - MATRIX.keys())
    gone = sorted(MATRIX.keys() - PATTERNS.keys())
    assert not without_row, (
        "URL patterns without a row in MATRIX (tests/test_permission_matrix.py): decide who may "
        "use each, and add its row:\n" + "\n".join(f"  {n} ({PATTERNS[n]})" for n in without_row)
    )
    assert not gone, f"MATRIX has rows for what is no longer a URL pattern: {', '.join(gone)}"


def test_the_matrix_asks_every_row_once():
    asked = [row for param in parameters() for row in param.values[1]]
    assert sorted(asked) == sorted(
        (name, index) for name, cases in MATRIX.items() for index in range(len(cases))
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("world_name", "rows"), list(parameters()))
def test_who_may_use_each_url(world_name, rows, request, people, media):
    """Each row of the world: every role asks by GET and by POST; every wrong answer of every
    row is listed (`-k` takes the world's name: `-k "awaiting"`)."""
    world = build_world(world_name, request)
    clients = {role: logged_in(people[role]) for role in ROLES}
    wrong = []
    for name, index in rows:
        row = MATRIX[name][index]
        assert set(row.get) == set(row.post) == set(ROLES), name
        query = row.query(world) if callable(row.query) else row.query
        url = reverse(name, kwargs=row.kwargs(world)) + query
        assert url.split("?")[0] != "/admin/"
        data = row.data(world) if row.data else {}
        mistakes = []
        for method, expected in (("GET", row.get), ("POST", row.post)):
            for role in ROLES:
                got = ask(clients[role], people[role], method, url, data)
                if got != expected[role]:
                    mistakes.append(
                        f"  {method:4} {role:16} expected {expected[role]!s:6} got {got}"
                    )
        if mistakes:
            wrong.append(f"{name} ({row.world}: {url}) — {row.why}\n" + "\n".join(mistakes))
    assert not wrong, "\n\n".join(wrong)


def test_the_leak_check_finds_template_text_and_none_but_not_scripts():
    from django.http import HttpResponse

    page = HttpResponse(
        '<p>{# a note\n</p><dd>None</dd><input value="None"><script>f({a: {b: 1}})</script>'
        "<style>.x{width:50%}</style><p>Sida 1 av 2</p>"
    )
    assert leaked_template_text(page) == ["{#", ">None<", '="None"']
    assert leaked_template_text(HttpResponse("<p>Nonet</p>")) == []
    assert leaked_template_text(HttpResponse("{{ x }}", content_type="text/plain")) == []
