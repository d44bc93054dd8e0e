"""Public pages (offentlighetsprincipen), open without login, and search (for those logged in).

Public: remisses once sent, with their documents and who was asked; each reply once delivered,
as the sender received it (the protokollsutdrag, the statement and the archived PDFs). Nothing
before delivery is public here: a reply not yet delivered, its documents and a remiss not yet
sent answer 404, as if they did not exist. Drafts never reach these pages.
"""

import hashlib
import logging

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from remiss import replies, selectors, sending, uploads, workflow
from remiss.forms.sending import LinkReplyForm
from remiss.models import (
    Attachment,
    Decision,
    Meeting,
    Membership,
    ReceivedReply,
    Recipient,
    Remiss,
    StoredDocument,
)
from remiss.paging import WindowPaginator
from remiss.views.documents import serve_archived

logger = logging.getLogger(__name__)

PER_PAGE = 50


def _get_sent_remiss(pk: int) -> Remiss:
    try:
        return Remiss.objects.public().select_related("sender", "programme").get(pk=pk)
    except Remiss.DoesNotExist:
        raise Http404("Remissen finns inte.") from None


def public_remisses(request: HttpRequest) -> HttpResponse:
    # Paged first, counted after: the recipients are counted for the page's remisses only
    # (index remiss_public_newest gives the page without a sort).
    remisses = Remiss.objects.public().select_related("sender").order_by("-sent_on", "-pk")
    asked = request.GET.get("sida")
    page = WindowPaginator(remisses, PER_PAGE, asked).get_page(asked)
    page.object_list = selectors.count_answers(page.object_list) if page.paginator.count else []
    meetings = (
        Meeting.objects.filter(open=True, issues__isnull=False)
        .select_related("organisation")
        .distinct()
        .order_by("-date")[:20]
    )
    return render(
        request,
        "public/remiss_list.html",
        {"page": page, "remisses": page.object_list, "meetings": list(meetings)},
    )


def public_remiss(request: HttpRequest, pk: int) -> HttpResponse:
    remiss = _get_sent_remiss(pk)
    recipients = list(
        remiss.recipients.select_related("organisation").order_by("organisation__name")
    )
    # Only the remiss' own documents: a statement's attachments are never listed here.
    attachments = list(Attachment.objects.filter(remiss=remiss, statement__isnull=True))
    return render(
        request,
        "public/remiss_detail.html",
        {
            "remiss": remiss,
            "recipients": recipients,
            "answered": remiss.recipients.delivered().count(),
            "focus_areas": list(remiss.programme.focus_areas.all()) if remiss.programme else [],
            "attachments": attachments,
        },
    )


def public_reply(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    remiss = _get_sent_remiss(pk)
    try:
        recipient = remiss.recipients.public().select_related("organisation").get(pk=recipient_pk)
    except Recipient.DoesNotExist:
        raise Http404("Svaret finns inte.") from None
    reply = replies.read(recipient, ready_documents_only=True)
    if reply.decision is not None and reply.decision.item.closed:
        # Decided behind closed doors: its documents are never on the public pages.
        raise Http404("Svaret finns inte.")
    return render(request, "public/reply_detail.html", {"remiss": remiss, **reply.context()})


def public_document(request: HttpRequest, pk: int) -> HttpResponse:
    """An archived PDF of a delivered reply, checked against its SHA-256 like every download
    (views/documents.py): a file that no longer matches is refused, never rendered anew."""
    try:
        document = StoredDocument.objects.get(
            pk=pk, state=StoredDocument.State.READY, decision__in=Decision.objects.public()
        )
    except StoredDocument.DoesNotExist:
        raise Http404("Handlingen finns inte.") from None
    return serve_archived(request, document)


def help_page(request: HttpRequest) -> HttpResponse:
    """Hjälp: what each role does and where, with the visitor's own roles named first."""
    own = set()
    if request.user.is_authenticated:
        own = set(Membership.objects.filter(user=request.user).values_list("role", flat=True))
    return render(request, "public/help.html", {"own_roles": own})


def _public_meeting(pk: int) -> Meeting:
    """An open meeting whose kallelse has been issued; anything else is 404."""
    meeting = Meeting.objects.select_related("organisation").filter(pk=pk, open=True).first()
    if meeting is None or not meeting.issues.exists():
        raise Http404("Sammanträdet finns inte.")
    return meeting


def public_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda of an open meeting, as last issued. A closed paragraph shows its title only,
    never its documents."""
    meeting = _public_meeting(pk)
    issues = list(meeting.issues.order_by("version"))
    items = list(meeting.items.select_related("statement__recipient__remiss").order_by("number"))
    return render(
        request,
        "public/meeting_detail.html",
        {"meeting": meeting, "issues": issues, "items": items},
    )


def public_agenda(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    from remiss.views.meetings import serve_issue

    meeting = _public_meeting(pk)
    return serve_issue(
        request,
        meeting,
        version,
        may_retry=False,
        back_url=reverse("public_meeting", args=[meeting.pk]),
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    """Tillgänglighetsredogörelse: the accessibility statement public bodies must publish."""
    return render(request, "public/accessibility.html")


def public_received_reply(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    """The document of a reply that came from outside the portal (an inkommen handling,
    public once registered), checked against its SHA-256 before it is handed out."""
    remiss = _get_sent_remiss(pk)
    try:
        reply = ReceivedReply.objects.select_related("recipient").get(
            recipient__in=remiss.recipients.public(), recipient_id=recipient_pk
        )
    except ReceivedReply.DoesNotExist:
        raise Http404("Svaret finns inte.") from None
    try:
        handle = reply.file.open("rb")
    except FileNotFoundError:
        raise Http404("Filen saknas i arkivet.") from None
    if hashlib.file_digest(handle, "sha256").hexdigest() != reply.sha256:
        handle.close()
        logger.error("Inkommet svar %s stämmer inte med sin kontrollsumma.", reply.pk)
        raise Http404("Filen stämmer inte med den som registrerades.")
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=reply.original_name or f"Svar {reply.recipient.organisation}",
        content_type=reply.content_type,
    )


@never_cache
def reply_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Svara på remissen: the outside instans' personal link, without an account. An unknown,
    used or expired link, or one for another remiss, is refused (410 for a link that was
    valid once, 404 for one that never was) and changes nothing."""
    try:
        link = sending.reply_link(remiss_pk=pk, token=token)
    except sending.LinkRefused as error:
        known = sending.known_link(remiss_pk=pk, token=token)
        return render(
            request,
            "public/reply_link_refused.html",
            {"reason": str(error)},
            status=410 if known else 404,
        )
    recipient = link.recipient
    form = LinkReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, checked = form.cleaned_data["file"]
        try:
            sending.reply_through_link(
                remiss_pk=pk,
                token=token,
                received=workflow.ReceivedDocument(
                    checked=checked,
                    upload=upload,
                    received_on=timezone.localdate(),
                    channel=ReceivedReply.Channel.LINK,
                    submitted_by_name=form.cleaned_data["name"],
                    note=form.cleaned_data["note"],
                ),
            )
        except (sending.LinkRefused, workflow.TransitionError) as error:
            return render(
                request, "public/reply_link_refused.html", {"reason": str(error)}, status=410
            )
        return redirect("public_reply", pk=pk, recipient_pk=recipient.pk)
    if request.method == "POST":
        uploads.ask_for_file_again(
            form, "file", request.FILES, reason="den skickades inte eftersom formuläret hade fel."
        )
    return render(
        request,
        "public/reply_link.html",
        {"remiss": recipient.remiss, "recipient": recipient, "link": link, "form": form},
    )
