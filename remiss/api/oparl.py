"""OParl 1.1: the public, read-only API for council information (docs/oparl.md).

Every object has one canonical URL under SITE_URL (its `id`); lists are paged with `data`,
`pagination` and `links`, filtered by `created_since`, `created_until`, `modified_since` and
`modified_until`, and sorted by a fixed order so that pages are stable. What is shown comes from
visibility.py only: the rules of the public pages.

The mapping (docs/oparl.md): the municipality is the Body; each nämnd an Organization; elected
members are Persons with Memberships; a sammanträde a Meeting with its public paragraphs as
AgendaItems; a remiss, a delivered reply (yttrande) and its tjänsteutlåtande are Papers; the
remiss sent to a nämnd is a Consultation; each archived PDF a File.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Model, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_safe

from remiss import documents as archive
from remiss.api import visibility
from remiss.api.ratelimit import limit_by_address
from remiss.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Organisation,
    Recipient,
    Remiss,
    Statement,
    StoredDocument,
)

SCHEMA = "https://schema.oparl.org/1.1/"
VENDOR = "remissportalen"
PER_PAGE = 100
BODY_ID = 1  # one municipality per installation

PAPER_REMISS = "Remiss"
PAPER_REPLY = "Yttrande"
PAPER_STATEMENT = "Tjänsteutlåtande"


class BadRequest(Exception):
    """A filter the API cannot read; the message says which, in Swedish."""


def url(name: str, **kwargs) -> str:
    """The canonical, absolute URL of a route."""
    return settings.SITE_URL + reverse(f"oparl:{name}", kwargs=kwargs)


def site(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def when(value: datetime.datetime | datetime.date | None) -> str | None:
    """OParl's date-time: yyyy-mm-ddThh:mm:ss±hh:mm."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(
            value, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
    return timezone.localtime(value).isoformat(timespec="seconds")


def clean(data: dict) -> dict:
    """Leave out what has no value: OParl asks for no null, "" or [] on optional properties."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


# --- Times: created and modified from django-simple-history -----------------------------------


def _history(model: type[Model], *, first: bool) -> Subquery:
    history = model.history.model
    order = "history_date" if first else "-history_date"
    return Subquery(
        history.objects.filter(id=OuterRef("pk")).order_by(order).values("history_date")[:1]
    )


def with_times(queryset: QuerySet, *, created=None, modified=None) -> QuerySet:
    """Annotate `oparl_created` and `oparl_modified`: the first and the latest history rows,
    unless other expressions are given."""
    model = queryset.model
    return queryset.annotate(
        oparl_created=created if created is not None else _history(model, first=True),
        oparl_modified=modified if modified is not None else _history(model, first=False),
    )


def _times(obj) -> dict:
    return {"created": when(obj.oparl_created), "modified": when(obj.oparl_modified)}


# --- Querysets -------------------------------------------------------------------------------


def organisations() -> QuerySet[Organisation]:
    return with_times(visibility.organisations()).order_by("pk")


def memberships() -> QuerySet[Membership]:
    return with_times(visibility.memberships()).select_related("organisation").order_by("pk")


def people() -> QuerySet:
    latest_role = Subquery(
        Membership.history.model.objects.filter(
            user_id=OuterRef("pk"), role__in=visibility.POLITICAL_ROLES
        )
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return (
        with_times(
            visibility.people(),
            created=F("date_joined"),
            modified=Coalesce(latest_role, F("date_joined")),
        )
        .prefetch_related(Prefetch("memberships", queryset=memberships()))
        .order_by("pk")
    )


def files() -> QuerySet[StoredDocument]:
    return (
        with_times(
            visibility.documents(),
            created=F("created_at"),
            modified=Coalesce(F("rendered_at"), F("created_at")),
        )
        .select_related("decision__item__meeting", "decision__item__statement")
        .order_by("pk")
    )


def agenda_items() -> QuerySet[AgendaItem]:
    decision_history = Decision.history.model.objects.filter(item_id=OuterRef("pk"))
    return (
        with_times(
            visibility.agenda_items(),
            modified=Subquery(
                decision_history.order_by("-history_date").values("history_date")[:1]
            ),
        )
        .select_related("meeting", "decision", "statement__recipient__remiss")
        .prefetch_related(Prefetch("decision__documents", queryset=files()))
        .order_by("pk")
    )


def meetings() -> QuerySet[Meeting]:
    return (
        with_times(visibility.meetings())
        .select_related("organisation")
        .prefetch_related(
            Prefetch("items", queryset=agenda_items(), to_attr="public_items"),
            Prefetch(
                "attendance",
                queryset=Attendance.objects.filter(user__in=visibility.people()).order_by("pk"),
                to_attr="public_attendance",
            ),
        )
        .order_by("pk")
    )


def consultations() -> QuerySet[Recipient]:
    return (
        with_times(visibility.recipients())
        .select_related("organisation", "remiss")
        .prefetch_related(
            Prefetch(
                "statement__agenda_items",
                queryset=visibility.agenda_items().select_related("meeting"),
                to_attr="public_items",
            )
        )
        .order_by("pk")
    )


def remiss_papers() -> QuerySet[Remiss]:
    return (
        with_times(visibility.remisses(), created=F("created_at"))
        .select_related("sender")
        .prefetch_related(
            Prefetch("recipients", queryset=consultations(), to_attr="oparl_consultations"),
            Prefetch(
                "recipients",
                queryset=visibility.delivered_recipients().order_by("pk"),
                to_attr="oparl_replies",
            ),
        )
        .order_by("pk")
    )


def reply_papers() -> QuerySet[Recipient]:
    return (
        with_times(visibility.delivered_recipients().filter(statement__in=visibility.statements()))
        .select_related("organisation", "remiss", "statement")
        .order_by("pk")
    )


def statement_papers() -> QuerySet[Statement]:
    return (
        with_times(visibility.statements())
        .select_related("recipient__organisation", "recipient__remiss")
        .order_by("pk")
    )


def _documents_of(statement_ids: Iterable[int]) -> dict[int, dict[str, StoredDocument]]:
    found: dict[int, dict[str, StoredDocument]] = {}
    for document in files().filter(decision__item__statement_id__in=list(statement_ids)):
        found.setdefault(document.decision.item.statement_id, {})[document.kind] = document
    return found


# --- Serialisers -----------------------------------------------------------------------------


def system_json() -> dict:
    return clean(
        {
            "id": url("system"),
            "type": SCHEMA + "System",
            "oparlVersion": SCHEMA,
            "body": url("body_list"),
            "name": f"Remissportalen, {settings.MUNICIPALITY_NAME}",
            "website": settings.SITE_URL + "/",
            "product": "https://github.com/remissportalen/remissportalen",
            "web": site("public_remisses"),
        }
    )


def body_json() -> dict:
    lists = {
        name: url(f"body_{name.lower()}", body=BODY_ID)
        for name in [
            "organization",
            "person",
            "meeting",
            "paper",
            "agendaItem",
            "consultation",
            "file",
            "membership",
        ]
    }
    return clean(
        {
            "id": url("body", pk=BODY_ID),
            "type": SCHEMA + "Body",
            "system": url("system"),
            "name": settings.MUNICIPALITY_NAME,
            "website": settings.SITE_URL + "/",
            **lists,
            "legislativeTerm": [],  # required; the portal keeps no terms of office
            "web": site("public_remisses"),
        }
    ) | {"legislativeTerm": []}


def organisation_json(organisation: Organisation) -> dict:
    return clean(
        {
            "id": url("organization", pk=organisation.pk),
            "type": SCHEMA + "Organization",
            "body": url("body", pk=BODY_ID),
            "name": organisation.name,
            "shortName": organisation.registry_prefix,
            "membership": [
                url("membership", pk=pk)
                for pk in visibility.memberships()
                .filter(organisation=organisation)
                .order_by("pk")
                .values_list("pk", flat=True)
            ],
            "meeting": url("organization_meeting", pk=organisation.pk),
            "consultation": url("organization_consultation", pk=organisation.pk),
            "organizationType": (
                "externes Gremium"
                if organisation.kind == Organisation.Kind.MUNICIPAL_FEDERATION
                else "Gremium"
            ),
            "classification": organisation.get_kind_display(),
            "startDate": organisation.valid_from.isoformat(),
            "endDate": organisation.valid_to.isoformat() if organisation.valid_to else None,
            f"{VENDOR}:administration": organisation.administration,
            f"{VENDOR}:successor": (
                url("organization", pk=organisation.successor_id)
                if organisation.successor_id
                else None
            ),
            **_times(organisation),
        }
    )


def membership_json(membership: Membership) -> dict:
    return clean(
        {
            "id": url("membership", pk=membership.pk),
            "type": SCHEMA + "Membership",
            "person": url("person", pk=membership.user_id),
            "organization": url("organization", pk=membership.organisation_id),
            "role": membership.get_role_display(),
            "votingRight": membership.role != Membership.Role.SUBSTITUTE,
            **_times(membership),
        }
    )


def person_json(person) -> dict:
    return clean(
        {
            "id": url("person", pk=person.pk),
            "type": SCHEMA + "Person",
            "body": url("body", pk=BODY_ID),
            "name": person.get_full_name(),
            "familyName": person.last_name,
            "givenName": person.first_name,
            "membership": [membership_json(m) for m in person.memberships.all()],
            **_times(person),
        }
    )


def file_json(document: StoredDocument) -> dict:
    item = document.decision.item
    papers = []
    if item.statement_id:
        papers.append(url("paper_reply", pk=item.statement.recipient_id))
        papers.append(url("paper_statement", pk=item.statement_id))
    return clean(
        {
            "id": url("file", pk=document.pk),
            "type": SCHEMA + "File",
            "name": document.get_kind_display(),
            "fileName": document.filename,
            "mimeType": "application/pdf",
            "date": timezone.localdate(document.rendered_at).isoformat()
            if document.rendered_at
            else None,
            "size": document.size,
            "accessUrl": url("file_access", pk=document.pk),
            "downloadUrl": site("public_document", document.pk),
            "meeting": [url("meeting", pk=item.meeting_id)],
            "agendaItem": [url("agendaitem", pk=item.pk)],
            "paper": papers,
            f"{VENDOR}:sha256Checksum": document.sha256,
            f"{VENDOR}:pdfa": document.pdfa,
            **_times(document),
        }
    )


def agenda_item_json(item: AgendaItem) -> dict:
    decision = item.decision
    extract = next(
        (d for d in decision.documents.all() if d.kind == StoredDocument.Kind.EXTRACT), None
    )
    statement = next(
        (d for d in decision.documents.all() if d.kind == StoredDocument.Kind.STATEMENT), None
    )
    return clean(
        {
            "id": url("agendaitem", pk=item.pk),
            "type": SCHEMA + "AgendaItem",
            "meeting": url("meeting", pk=item.meeting_id),
            "number": str(item.number),
            "order": item.number,
            "name": item.title,
            "public": True,
            "consultation": (
                url("consultation", pk=item.statement.recipient_id) if item.statement_id else None
            ),
            "result": decision.get_outcome_display(),
            "resolutionText": decision.changes or decision.text,
            "resolutionFile": file_json(extract) if extract else None,
            "auxiliaryFile": [file_json(statement)] if statement else [],
            **_times(item),
        }
    )


def meeting_json(meeting: Meeting) -> dict:
    start = None
    if meeting.starts_at:
        start = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.starts_at))
    return clean(
        {
            "id": url("meeting", pk=meeting.pk),
            "type": SCHEMA + "Meeting",
            "name": f"{meeting.organisation.name}, sammanträde {meeting.date:%Y-%m-%d}",
            "cancelled": False,
            "start": when(start or meeting.date),
            "organization": [url("organization", pk=meeting.organisation_id)],
            "participant": [url("person", pk=a.user_id) for a in meeting.public_attendance],
            "agendaItem": [agenda_item_json(item) for item in meeting.public_items],
            f"{VENDOR}:place": meeting.place,
            **_times(meeting),
        }
    )


def consultation_json(recipient: Recipient) -> dict:
    items = getattr(getattr(recipient, "statement", None), "public_items", None) or []
    item = items[0] if items else None
    return clean(
        {
            "id": url("consultation", pk=recipient.pk),
            "type": SCHEMA + "Consultation",
            "paper": url("paper_remiss", pk=recipient.remiss_id),
            "organization": [url("organization", pk=recipient.organisation_id)],
            "agendaItem": url("agendaitem", pk=item.pk) if item else None,
            "meeting": url("meeting", pk=item.meeting_id) if item else None,
            "authoritative": False,
            "role": "Remissinstans",
            f"{VENDOR}:status": recipient.get_status_display(),
            **_times(recipient),
        }
    )


def _recipient_statement(recipient: Recipient) -> Statement | None:
    try:
        return recipient.statement
    except Statement.DoesNotExist:
        return None


def remiss_paper_json(remiss: Remiss) -> dict:
    return clean(
        {
            "id": url("paper_remiss", pk=remiss.pk),
            "type": SCHEMA + "Paper",
            "body": url("body", pk=BODY_ID),
            "name": remiss.title,
            "reference": remiss.registration_number,
            "date": remiss.sent_on.isoformat(),
            "paperType": PAPER_REMISS,
            "subordinatedPaper": [url("paper_reply", pk=r.pk) for r in remiss.oparl_replies],
            "originatorOrganization": [url("organization", pk=remiss.sender_id)],
            "consultation": [consultation_json(r) for r in remiss.oparl_consultations],
            f"{VENDOR}:deadline": remiss.deadline.isoformat(),
            "web": site("public_remiss", remiss.pk),
            **_times(remiss),
        }
    )


def reply_paper_json(recipient: Recipient, archived: dict[str, StoredDocument]) -> dict:
    statement = recipient.statement
    reply = archived.get(StoredDocument.Kind.REPLY)
    auxiliary = [
        archived[kind]
        for kind in (StoredDocument.Kind.EXTRACT, StoredDocument.Kind.STATEMENT)
        if kind in archived
    ]
    return clean(
        {
            "id": url("paper_reply", pk=recipient.pk),
            "type": SCHEMA + "Paper",
            "body": url("body", pk=BODY_ID),
            "name": f"Yttrande från {recipient.organisation.name}: {statement.title}",
            "reference": recipient.registration_number,
            "date": timezone.localdate(recipient.delivered_at).isoformat()
            if recipient.delivered_at
            else None,
            "paperType": PAPER_REPLY,
            "relatedPaper": [url("paper_statement", pk=statement.pk)],
            "superordinatedPaper": [url("paper_remiss", pk=recipient.remiss_id)],
            "originatorOrganization": [url("organization", pk=recipient.organisation_id)],
            "mainFile": file_json(reply) if reply else None,
            "auxiliaryFile": [file_json(d) for d in auxiliary],
            "web": site("public_reply", recipient.remiss_id, recipient.pk),
            **_times(recipient),
        }
    )


def statement_paper_json(statement: Statement, archived: dict[str, StoredDocument]) -> dict:
    recipient = statement.recipient
    main = archived.get(StoredDocument.Kind.STATEMENT)
    return clean(
        {
            "id": url("paper_statement", pk=statement.pk),
            "type": SCHEMA + "Paper",
            "body": url("body", pk=BODY_ID),
            "name": statement.title,
            "reference": recipient.registration_number,
            "date": statement.date.isoformat(),
            "paperType": PAPER_STATEMENT,
            "relatedPaper": [url("paper_reply", pk=recipient.pk)],
            "superordinatedPaper": [url("paper_remiss", pk=recipient.remiss_id)],
            "underDirectionOf": [url("organization", pk=recipient.organisation_id)],
            "mainFile": file_json(main) if main else None,
            "web": site("public_reply", recipient.remiss_id, recipient.pk),
            **_times(statement),
        }
    )


# --- Lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One kind of object in a list: its queryset and how to write a page of it."""

    queryset: QuerySet
    render: Callable[[list], list[dict]]


def _each(serialiser: Callable) -> Callable[[list], list[dict]]:
    return lambda objects: [serialiser(obj) for obj in objects]


def _replies(recipients: list[Recipient]) -> list[dict]:
    archived = _documents_of(r.statement.pk for r in recipients)
    return [reply_paper_json(r, archived.get(r.statement.pk, {})) for r in recipients]


def _statements(statements: list[Statement]) -> list[dict]:
    archived = _documents_of(s.pk for s in statements)
    return [statement_paper_json(s, archived.get(s.pk, {})) for s in statements]


FILTERS = {
    "created_since": "oparl_created__gte",
    "created_until": "oparl_created__lte",
    "modified_since": "oparl_modified__gte",
    "modified_until": "oparl_modified__lte",
}


def _filters(request: HttpRequest) -> dict[str, datetime.datetime]:
    found = {}
    for name in FILTERS:
        raw = request.GET.get(name)
        if raw is None:
            continue
        # An unencoded "+" in the offset arrives as a space.
        value = parse_datetime(raw.strip().replace(" ", "+"))
        if value is None or timezone.is_naive(value):
            raise BadRequest(
                f"{name}: ange en tidpunkt med tidszon, till exempel 2019-12-01T00:00:00+01:00."
            )
        found[name] = value
    return found


def _int(request: HttpRequest, name: str, default: int, *, maximum: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest(f"{name}: ange ett heltal större än noll.")
    return min(int(raw), maximum) if maximum else int(raw)


def paged(request: HttpRequest, sources: list[Source]) -> dict:
    """One page of an external list over one or more sources, in a fixed order (by source, then
    by primary key), with the filters kept in every link."""
    filters = _filters(request)
    limit = _int(request, "limit", PER_PAGE, maximum=PER_PAGE)
    page = _int(request, "page", 1)
    lookups = {FILTERS[name]: value for name, value in filters.items()}
    querysets = [source.queryset.filter(**lookups) for source in sources]
    counts = [queryset.count() for queryset in querysets]
    total = sum(counts)
    pages = max(1, -(-total // limit))
    start, end = (page - 1) * limit, page * limit
    data: list[dict] = []
    offset = 0
    for source, queryset, count in zip(sources, querysets, counts, strict=True):
        low, high = max(start - offset, 0), min(end - offset, count)
        if low < high:
            data.extend(source.render(list(queryset[low:high])))
        offset += count
    kept = {name: request.GET[name] for name in sorted(filters)}
    if "limit" in request.GET:
        kept["limit"] = str(limit)

    def link(number: int) -> str:
        query = dict(kept, **({"page": str(number)} if number > 1 else {}))
        base = settings.SITE_URL + request.path
        return base + ("?" + urlencode(sorted(query.items())) if query else "")

    links = {"first": link(1), "self": link(page), "last": link(pages)}
    if page > 1:
        links["prev"] = link(min(page - 1, pages))
    if page < pages:
        links["next"] = link(page + 1)
    return {
        "data": data,
        "pagination": {
            "totalElements": total,
            "elementsPerPage": limit,
            "currentPage": page,
            "totalPages": pages,
        },
        "links": links,
    }


# --- Views -----------------------------------------------------------------------------------


def respond(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def not_found() -> JsonResponse:
    return respond({"error": "Objektet finns inte."}, status=404)


def _endpoint(view):
    """Public, read-only, rate-limited, JSON errors."""

    @require_safe
    @limit_by_address("oparl")
    def wrapped(request: HttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return respond({"error": str(error)}, status=400)
        except (ObjectDoesNotExist, KeyError):
            return not_found()

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _body(pk: int) -> None:
    if pk != BODY_ID:
        raise KeyError(pk)


@_endpoint
def system(request: HttpRequest) -> JsonResponse:
    return respond(system_json())


@_endpoint
def body_list(request: HttpRequest) -> JsonResponse:
    """The one Body. It carries no times of its own, so the filters (checked) keep it."""
    _filters(request)
    here = settings.SITE_URL + request.path
    return respond(
        {
            "data": [body_json()],
            "pagination": {
                "totalElements": 1,
                "elementsPerPage": 1,
                "currentPage": 1,
                "totalPages": 1,
            },
            "links": {"first": here, "self": here, "last": here},
        }
    )


@_endpoint
def body(request: HttpRequest, pk: int) -> JsonResponse:
    _body(pk)
    return respond(body_json())


def _list(sources: Callable[[], list[Source]]):
    @_endpoint
    def view(request: HttpRequest, body: int) -> JsonResponse:
        _body(body)
        return respond(paged(request, sources()))

    return view


PAPER_SOURCES = lambda: [  # noqa: E731
    Source(remiss_papers(), _each(remiss_paper_json)),
    Source(reply_papers(), _replies),
    Source(statement_papers(), _statements),
]

body_organization = _list(lambda: [Source(organisations(), _each(organisation_json))])
body_person = _list(lambda: [Source(people(), _each(person_json))])
body_membership = _list(lambda: [Source(memberships(), _each(membership_json))])
body_meeting = _list(lambda: [Source(meetings(), _each(meeting_json))])
body_agendaitem = _list(lambda: [Source(agenda_items(), _each(agenda_item_json))])
body_paper = _list(PAPER_SOURCES)
body_consultation = _list(lambda: [Source(consultations(), _each(consultation_json))])
body_file = _list(lambda: [Source(files(), _each(file_json))])


@_endpoint
def organization_meeting(request: HttpRequest, pk: int) -> JsonResponse:
    organisation = visibility.organisations().get(pk=pk)
    return respond(
        paged(request, [Source(meetings().filter(organisation=organisation), _each(meeting_json))])
    )


@_endpoint
def organization_consultation(request: HttpRequest, pk: int) -> JsonResponse:
    organisation = visibility.organisations().get(pk=pk)
    return respond(
        paged(
            request,
            [Source(consultations().filter(organisation=organisation), _each(consultation_json))],
        )
    )


def _object(queryset: Callable[[], QuerySet], serialiser: Callable[[Model], dict]):
    @_endpoint
    def view(request: HttpRequest, pk: int) -> JsonResponse:
        return respond(serialiser(queryset().get(pk=pk)))

    return view


organization = _object(organisations, organisation_json)
person = _object(people, person_json)
membership = _object(memberships, membership_json)
meeting = _object(meetings, meeting_json)
agendaitem = _object(agenda_items, agenda_item_json)
consultation = _object(consultations, consultation_json)
file = _object(files, file_json)
paper_remiss = _object(remiss_papers, remiss_paper_json)
paper_reply = _object(reply_papers, lambda r: _replies([r])[0])
paper_statement = _object(statement_papers, lambda s: _statements([s])[0])


@require_safe
@limit_by_address("oparl")
def file_access(request: HttpRequest, pk: int):
    """accessUrl: the archived PDF inline (OParl forbids `attachment` here), after the same
    checksum check as every download; downloadUrl is the public page's download."""
    try:
        document = visibility.documents().get(pk=pk)
        handle = archive.open_verified(document)
    except StoredDocument.DoesNotExist:
        return not_found()
    except (archive.TamperedDocument, FileNotFoundError):
        return respond({"error": "Handlingen kan inte lämnas ut just nu."}, status=500)
    return FileResponse(handle, content_type="application/pdf")
