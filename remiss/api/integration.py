"""The integration API (/api/v1/): for the diarium and other systems, one token per system, each
scoped to one organisation (docs/api.md).

django-ninja: the schemas are typed once and give both the validation and the OpenAPI document
(served at /api/v1/openapi.json). A token sees what its organisation's people see on their own
pages: the sender, every recipient's stage and every delivered reply; a recipient, its own case.
Anything else answers 404, as on the pages.
"""

from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.responses import Status
from ninja.security import HttpBearer

from remiss import documents as archive
from remiss import selectors
from remiss.api import services, webhooks
from remiss.api.models import ApiClient, WebhookSubscription
from remiss.api.ratelimit import hit
from remiss.models import Decision, Recipient, Remiss, Statement, StoredDocument


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    """Authorization: Bearer <token>: the token names the system and its organisation."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        client = ApiClient.objects.for_token(token)
        if client is None:
            return None
        wait = hit(f"api:{client.pk}", settings.API_RATE_LIMIT_PER_MINUTE)
        if wait is not None:
            raise RateLimited(wait)
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        return client


api = NinjaAPI(
    title="Remissportalen – integrations-API",
    version="1",
    description=(
        "För diariet och andra system. Varje system har ett eget token (Authorization: Bearer) "
        "som gäller en organisation: remittenten ser sina remisser, varje remissinstans stadium "
        "och de expedierade svaren; en remissinstans ser sitt eget ärende. Se docs/api.md."
    ),
    urls_namespace="api",
    docs_url=None,  # Swagger UI loads scripts from elsewhere, which the CSP forbids
    auth=TokenAuth(),
)


@api.exception_handler(RateLimited)
def rate_limited(request, error: RateLimited):
    response = api.create_response(
        request,
        {"detail": "För många anrop. Vänta en stund och försök igen."},
        status=429,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return api.create_response(
        request,
        {"detail": "Ange ett giltigt token: Authorization: Bearer <token>."},
        status=401,
    )


@api.exception_handler(services.Conflict)
def conflict(request, error: services.Conflict):
    return api.create_response(request, {"detail": str(error)}, status=409)


@api.exception_handler(services.NotYours)
def not_yours(request, error: services.NotYours):
    return api.create_response(request, {"detail": str(error)}, status=403)


# --- Schemas ---------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class RecipientOut(Schema):
    id: int
    organisation: str
    organisation_id: int
    registration_number: str = Field(description="Remissinstansens eget diarienummer.")
    reply_registration_number: str = Field(
        description="Remittentens diarienummer för det inkomna svaret."
    )
    status: str = Field(
        description="awaiting, delivered, declined, recalled (återkallad) eller not_received "
        "(ej inkommit)."
    )
    stage: str = Field(
        description="Hur långt arbetet har kommit: not_started, drafting, in_review, "
        "on_agenda, decided, delivered eller declined."
    )
    deadline: date
    delivered_at: datetime | None


class RemissOut(Schema):
    id: int
    registration_number: str
    title: str
    sender: str
    sender_id: int
    sent_on: date | None
    deadline: date
    role: Literal["sender", "recipient"] = Field(
        description="Organisationens roll: remittent eller remissinstans."
    )
    recipients: list[RecipientOut]


class FileOut(Schema):
    id: int
    kind: str = Field(description="reply, statement eller extract.")
    filename: str
    size: int
    sha256: str
    pdfa: bool
    url: str = Field(description="Hämta filen med samma token.")


class ReplyOut(Schema):
    recipient: RecipientOut
    remiss_id: int
    remiss_registration_number: str
    title: str
    meeting_date: date | None
    paragraph: int | None
    justified_on: date | None
    files: list[FileOut]


class RegistrationIn(Schema):
    registration_number: str = Field(min_length=1, max_length=60)


class WebhookIn(Schema):
    url: str = Field(max_length=500)
    events: list[WebhookSubscription.Event] = Field(
        default_factory=list, description="Tom lista: alla händelser."
    )


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Visas bara nu: signerar varje leverans (HMAC-SHA256).")


# --- Scoped lookups --------------------------------------------------------------------------


def _client(request) -> ApiClient:
    return request.auth


def remisses_for(client: ApiClient) -> QuerySet[Remiss]:
    """The remisses the client's organisation sent, or received (once sent)."""
    organisation = client.organisation_id
    return (
        Remiss.objects.filter(
            Q(sender_id=organisation)
            | Q(recipients__organisation_id=organisation, sent_on__isnull=False)
        )
        .distinct()
        .select_related("sender")
        .order_by("-sent_on", "-pk")
    )


def _remiss(client: ApiClient, pk: int) -> Remiss:
    try:
        return remisses_for(client).get(pk=pk)
    except Remiss.DoesNotExist:
        raise Http404("Remissen finns inte.") from None


def _recipients(client: ApiClient, remiss: Remiss) -> list[Recipient]:
    """With their stages: every recipient for the sender, the organisation's own otherwise."""
    recipients, _ = selectors.status_board(remiss, timezone.localdate())
    if remiss.sender_id == client.organisation_id:
        return recipients
    return [r for r in recipients if r.organisation_id == client.organisation_id]


def replies_for(client: ApiClient) -> QuerySet[Recipient]:
    """Delivered replies the organisation may read: to its remisses, or its own."""
    organisation = client.organisation_id
    return Recipient.objects.filter(
        Q(remiss__sender_id=organisation) | Q(organisation_id=organisation),
        status=Recipient.Status.DELIVERED,
    ).select_related("remiss", "organisation", "statement")


def _reply(client: ApiClient, pk: int) -> Recipient:
    try:
        return replies_for(client).get(pk=pk)
    except Recipient.DoesNotExist:
        raise Http404("Svaret finns inte.") from None


def _recipient_out(recipient: Recipient) -> dict:
    if not hasattr(recipient, "stage"):
        recipient.stage = recipient.status if recipient.status != "awaiting" else "not_started"
    return {
        "id": recipient.pk,
        "organisation": recipient.organisation.name,
        "organisation_id": recipient.organisation_id,
        "registration_number": recipient.registration_number,
        "reply_registration_number": recipient.reply_registration_number,
        "status": recipient.status,
        "stage": recipient.stage,
        "deadline": recipient.deadline,
        "delivered_at": recipient.delivered_at,
    }


def _remiss_out(client: ApiClient, remiss: Remiss) -> dict:
    return {
        "id": remiss.pk,
        "registration_number": remiss.registration_number,
        "title": remiss.title,
        "sender": remiss.sender.name,
        "sender_id": remiss.sender_id,
        "sent_on": remiss.sent_on,
        "deadline": remiss.deadline,
        "role": "sender" if remiss.sender_id == client.organisation_id else "recipient",
        "recipients": [_recipient_out(r) for r in _recipients(client, remiss)],
    }


def _archived(recipient: Recipient) -> list[StoredDocument]:
    return list(
        StoredDocument.objects.filter(
            decision__item__statement__recipient=recipient,
            decision__in=Decision.objects.final().justified(),
            state=StoredDocument.State.READY,
        )
        .select_related("decision__item__meeting")
        .order_by("kind")
    )


def _reply_out(request, recipient: Recipient) -> dict:
    files = _archived(recipient)
    item = files[0].decision.item if files else None
    try:
        title = recipient.statement.title
    except Statement.DoesNotExist:
        title = recipient.remiss.title
    return {
        "recipient": _recipient_out(recipient),
        "remiss_id": recipient.remiss_id,
        "remiss_registration_number": recipient.remiss.registration_number,
        "title": title,
        "meeting_date": item.meeting.date if item else None,
        "paragraph": item.number if item else None,
        "justified_on": files[0].decision.justified_on if files else None,
        "files": [
            {
                "id": document.pk,
                "kind": document.kind,
                "filename": document.filename,
                "size": document.size,
                "sha256": document.sha256,
                "pdfa": document.pdfa,
                "url": request.build_absolute_uri(_reverse("document", pk=document.pk)),
            }
            for document in files
        ],
    }


def _reverse(name: str, **kwargs) -> str:
    from django.urls import reverse

    return reverse(f"api:{name}", kwargs=kwargs)


# --- Operations ------------------------------------------------------------------------------


@api.get("/remisser", response=list[RemissOut], url_name="remiss_list", tags=["remisser"])
def remiss_list(request, limit: int = 50, offset: int = 0):
    """Remisser som organisationen har skickat eller tagit emot, senast skickade först."""
    client = _client(request)
    limit = max(1, min(limit, 200))
    remisses = remisses_for(client)[max(offset, 0) : max(offset, 0) + limit]
    return [_remiss_out(client, remiss) for remiss in remisses]


@api.get(
    "/remisser/{pk}",
    response={200: RemissOut, 404: Message},
    url_name="remiss_detail",
    tags=["remisser"],
)
def remiss_detail(request, pk: int):
    """En remiss med remissinstansernas stadier (remittenten) eller det egna ärendet."""
    client = _client(request)
    return _remiss_out(client, _remiss(client, pk))


@api.put(
    "/remisser/{pk}/diarienummer",
    response={200: RecipientOut, 403: Message, 404: Message, 409: Message},
    url_name="remiss_registration",
    tags=["diariet"],
)
def remiss_registration(request, pk: int, body: RegistrationIn):
    """Remissinstansens diarium registrerar sitt diarienummer på den mottagna remissen."""
    client = _client(request)
    remiss = _remiss(client, pk)
    recipient = services.register_received(
        remiss=remiss, organisation=client.organisation, number=body.registration_number
    )
    return _recipient_out(recipient)


@api.get(
    "/remisser/{pk}/svar",
    response={200: list[ReplyOut], 404: Message},
    url_name="remiss_replies",
    tags=["svar"],
)
def remiss_replies(request, pk: int):
    """De expedierade svaren på remissen som organisationen får läsa, med arkivfilerna."""
    client = _client(request)
    remiss = _remiss(client, pk)
    return [
        _reply_out(request, recipient)
        for recipient in replies_for(client).filter(remiss=remiss).order_by("organisation__name")
    ]


@api.get(
    "/svar/{pk}", response={200: ReplyOut, 404: Message}, url_name="reply_detail", tags=["svar"]
)
def reply_detail(request, pk: int):
    """Ett expedierat svar (remissinstansens id) med arkivfilerna och deras SHA-256."""
    return _reply_out(request, _reply(_client(request), pk))


@api.put(
    "/svar/{pk}/diarienummer",
    response={200: RecipientOut, 403: Message, 404: Message},
    url_name="reply_registration",
    tags=["diariet"],
)
def reply_registration(request, pk: int, body: RegistrationIn):
    """Remittentens diarium registrerar det inkomna svaret under sitt diarienummer."""
    client = _client(request)
    recipient = services.register_reply(
        recipient=_reply(client, pk),
        organisation=client.organisation,
        number=body.registration_number,
    )
    return _recipient_out(recipient)


@api.get(
    "/handlingar/{pk}",
    response={200: bytes, 404: Message},
    url_name="document",
    tags=["svar"],
    openapi_extra={
        "responses": {
            "200": {
                "description": "Den arkiverade PDF-filen.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def document(request, pk: int):
    """Den arkiverade PDF-filen, kontrollerad mot sin SHA-256 innan den lämnas ut."""
    client = _client(request)
    try:
        stored = StoredDocument.objects.get(
            pk=pk,
            state=StoredDocument.State.READY,
            decision__in=Decision.objects.final().justified(),
            decision__item__statement__recipient__in=replies_for(client),
        )
        handle = archive.open_verified(stored)
    except StoredDocument.DoesNotExist:
        raise Http404("Handlingen finns inte.") from None
    except (archive.TamperedDocument, FileNotFoundError):
        return api.create_response(
            request, {"detail": "Handlingen kan inte lämnas ut just nu."}, status=500
        )
    response = FileResponse(
        handle, as_attachment=True, filename=stored.filename, content_type="application/pdf"
    )
    response["X-Checksum-SHA256"] = stored.sha256
    return response


@api.get("/webhooks", response=list[WebhookOut], url_name="webhooks", tags=["webhooks"])
def webhook_list(request):
    """Systemets webhooks."""
    return list(_client(request).webhooks.order_by("pk"))


@api.post(
    "/webhooks",
    response={201: WebhookCreated, 400: Message},
    url_name="webhook_create",
    tags=["webhooks"],
)
def webhook_create(request, body: WebhookIn):
    """Prenumerera på händelser (remiss.sent, reply.delivered, recipient.declined). Varje
    leverans signeras med hemligheten som visas en gång i svaret."""
    subscription = services.subscribe(
        client=_client(request), url=body.url, events=[str(e) for e in body.events]
    )
    return Status(201, subscription)


@api.delete(
    "/webhooks/{pk}",
    response={204: None, 404: Message},
    url_name="webhook_delete",
    tags=["webhooks"],
)
def webhook_delete(request, pk: int):
    """Avsluta en prenumeration."""
    deleted, _ = _client(request).webhooks.filter(pk=pk).delete()
    if not deleted:
        raise Http404("Webhooken finns inte.")
    return Status(204, None)


@api.exception_handler(services.BadWebhook)
def bad_webhook(request, error: services.BadWebhook):
    return api.create_response(request, {"detail": str(error)}, status=400)


__all__ = ["api", "webhooks"]
