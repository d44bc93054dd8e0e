"""The sender's side (remissamordnare): who has answered a remiss, and each delivered reply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from remiss import notifications, numbers, permissions, replies, selectors, sending, uploads
from remiss.forms.sending import SendRemissForm
from remiss.models import (
    ExtensionRequest,
    Membership,
    Organisation,
    Reminder,
    StoredDocument,
)


@login_required
def remiss_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status board: every recipient's stage, deadline and reply, with the follow-up."""
    remiss = permissions.get_sent_remiss(request.user, pk)
    today = timezone.localdate()
    recipients, stages = selectors.status_board(remiss, today)
    replies = {
        document.decision.item.statement.recipient_id: document
        for document in StoredDocument.objects.filter(
            kind=StoredDocument.Kind.REPLY,
            decision__item__statement__recipient__in=remiss.recipients.delivered(),
        ).select_related("decision__item__statement")
    }
    for recipient in recipients:
        recipient.reply_document = replies.get(recipient.pk)
    return render(
        request,
        "remiss/remiss_status.html",
        {
            "remiss": remiss,
            "recipients": recipients,
            "stages": stages,
            "late": [r for r in recipients if r.late],
            "pending": [r for r in recipients if r.pending_extension],
            "is_coordinator": Membership.Role.REMISS_COORDINATOR
            in permissions.roles_in(request.user, remiss.sender_id),
            "attachments": list(remiss.attachments.all()),
            "today": today,
        },
    )


@login_required
def remiss_create(request: HttpRequest) -> HttpResponse:
    """Ny remiss: the coordinator writes it, picks the recipients and sends it."""
    senders = list(
        Organisation.objects.filter(
            memberships__user=request.user,
            memberships__role=Membership.Role.REMISS_COORDINATOR,
        ).distinct()
    )
    if not senders:
        raise Http404("Du är inte remissamordnare.")
    sender = senders[0]
    form = SendRemissForm(request.POST or None, request.FILES or None, sender=sender)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checked = data.get("file")
        new = sending.NewRemiss(
            sender=sender,
            registration_number=data["registration_number"],
            title=data["title"],
            programme=data["programme"],
            description=data["description"],
            deadline=data["deadline"],
            recipients=data["all_recipients"],
            delegable=data.get("delegable", False),
            attachments=[(checked[1], checked[0], data["attachment_title"].strip())]
            if checked
            else [],
        )
        try:
            remiss, moved = sending.send_remiss(new=new, user=request.user)
        except sending.SendingError as error:
            messages.error(request, str(error))
        else:
            if moved:
                messages.warning(request, moved)
            organisations = [
                r.organisation for r in remiss.recipients.select_related("organisation")
            ]
            reached, unreached = notifications.reached(organisations)
            messages.success(
                request,
                f"Remissen är skickad till {len(organisations)} remissinstanser; "
                f"{len(reached)} av dem har fått ett e-postmeddelande.",
            )
            if unreached:
                messages.warning(request, notifications.no_contact(unreached))
            return redirect("remiss_status", pk=remiss.pk)
    if request.method == "POST":
        uploads.ask_for_file_again(
            form,
            "file",
            request.FILES,
            reason="den sparades inte eftersom remissen inte kunde skickas.",
        )
    organisations = form.fields["recipients"].queryset
    return render(
        request,
        "remiss/remiss_form.html",
        {
            "form": form,
            "sender": sender,
            "kinds": [
                (label, [f for f in form["recipients"] if f.data["value"].instance.kind == kind])
                for kind, label in Organisation.Kind.choices
                if organisations.filter(kind=kind).exists()
            ],
        },
    )


@require_POST
@login_required
def extension_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    remiss = permissions.get_sent_remiss(request.user, pk)
    extension = get_object_or_404(
        ExtensionRequest.objects.select_related("recipient"),
        pk=request_pk,
        recipient__remiss=remiss,
    )
    grant = request.POST.get("decision") == "grant"
    try:
        sending.decide_extension(
            request=extension,
            user=request.user,
            grant=grant,
            answer=numbers.text(request.POST.get("answer")),
        )
    except sending.SendingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Anståndet för {extension.recipient.organisation} är "
            f"{'beviljat' if grant else 'avslaget'}; de har fått besked.",
        )
    return redirect("remiss_status", pk=remiss.pk)


@require_POST
@login_required
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Påminn: one recipient (recipient=<id>) or every late one."""
    remiss = permissions.get_sent_remiss(request.user, pk)
    if "recipient" in request.POST:
        recipient = get_object_or_404(
            remiss.recipients.select_related("remiss", "organisation"),
            pk=numbers.parse(request.POST["recipient"]),
        )
        sent = sending.remind(recipient=recipient, kind=Reminder.Kind.MANUAL, user=request.user)
        if sent and sent.addresses:
            messages.success(request, f"Påminnelse skickad till {recipient.organisation}.")
        elif sent:
            unreached = notifications.no_contact([str(recipient.organisation)])
            messages.warning(request, f"Påminnelsen är registrerad. {unreached}")
        else:
            messages.info(request, f"{recipient.organisation} har redan fått en påminnelse i dag.")
    else:
        sent = sending.remind_late(remiss=remiss, user=request.user)
        unreached = [str(r.recipient.organisation) for r in sent if not r.addresses]
        mailed = len(sent) - len(unreached)
        messages.success(
            request,
            f"{mailed} {'påminnelse skickad' if mailed == 1 else 'påminnelser skickade'}"
            " till försenade remissinstanser.",
        )
        if unreached:
            messages.warning(request, notifications.no_contact(unreached))
    return redirect("remiss_status", pk=remiss.pk)


@login_required
def reply_detail(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    remiss = permissions.get_sent_remiss(request.user, pk)
    recipient = permissions.get_delivered_reply(request.user, remiss, recipient_pk)
    reply = replies.read(recipient)
    return render(request, "remiss/reply_detail.html", {"remiss": remiss, **reply.context()})
