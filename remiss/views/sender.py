"""The sender's side (remissamordnare): who has answered a remiss, and each delivered reply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from remiss import (
    compilation,
    notifications,
    numbers,
    permissions,
    replies,
    selectors,
    sending,
    uploads,
    workflow,
)
from remiss.forms.sending import (
    AddRecipientsForm,
    ChangeRemissForm,
    ForwardForm,
    IncomingRemissForm,
    RecallForm,
    RegisterReplyForm,
    SendRemissForm,
)
from remiss.links import url_for
from remiss.models import (
    ExtensionRequest,
    Membership,
    Organisation,
    ReceivedReply,
    Reminder,
)


@login_required
def remiss_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status board: every recipient's stage, deadline and reply, with the follow-up."""
    remiss = permissions.get_sent_remiss(request.user, pk)
    today = timezone.localdate()
    recipients, stages = selectors.status_board(remiss, today)
    documents = compilation.reply_documents(remiss)
    for recipient in recipients:
        # The row's links, each reverse()d once per route (remiss.links), not once per row.
        recipient.register_url = url_for("reply_register", remiss.pk, recipient.pk)
        recipient.reply_url = url_for("reply", remiss.pk, recipient.pk)
        document = documents.get(recipient.pk)
        recipient.document_url = document and url_for("document", document.pk)
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
            "recall_form": RecallForm(),
            "can_close": remiss.is_open and today > remiss.deadline,
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
            reference=data["reference"],
            subject_kind=data["subject_kind"],
            subject_number=data["subject_number"],
            subject_mover=data["subject_mover"],
            subject_party=data["subject_party"],
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


# Changing and closing a round (issue 16) ----------------------------------------------------------


def _coordinated_remiss(request: HttpRequest, pk: int):
    """The sender's remiss, for its remissamordnare: others of the sender get 403."""
    remiss = permissions.get_sent_remiss(request.user, pk)
    sending.require_coordinator(request.user, remiss.sender_id)
    return remiss


def _closed_message(request: HttpRequest, remiss) -> HttpResponse | None:
    if remiss.is_open:
        return None
    messages.error(
        request,
        "Remissen är återkallad och kan inte ändras."
        if remiss.withdrawn_on
        else "Remissomgången är avslutad och remissen kan inte ändras.",
    )
    return redirect("remiss_status", pk=remiss.pk)


def _told(mailings: list[notifications.Mailing]) -> str:
    total = notifications.Mailing()
    for mailing in mailings:
        total += mailing
    return notifications.told(total)


@login_required
def remiss_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Ändra remissen: its text and documents after sending; every open case is told."""
    remiss = _coordinated_remiss(request, pk)
    if closed := _closed_message(request, remiss):
        return closed
    form = ChangeRemissForm(
        request.POST or None,
        request.FILES or None,
        initial={"title": remiss.title, "description": remiss.description},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checked = data.get("file")
        try:
            changes = sending.change_remiss(
                remiss=remiss,
                user=request.user,
                title=data["title"],
                description=data["description"],
                attachments=[(checked[1], checked[0], data["attachment_title"].strip())]
                if checked
                else [],
            )
        except (sending.SendingError, workflow.TransitionError) as error:
            messages.error(request, str(error))
        else:
            open_cases = remiss.recipients.awaiting().count()
            messages.success(
                request,
                f"Remissen är ändrad ({len(changes)} ändringar). {open_cases} remissinstanser "
                "som ännu inte har svarat har fått besked om ändringarna.",
            )
            return redirect("remiss_status", pk=remiss.pk)
    if request.method == "POST":
        uploads.ask_for_file_again(
            form, "file", request.FILES, reason="den sparades inte eftersom ändringen inte gjordes."
        )
    return render(request, "remiss/remiss_change.html", {"remiss": remiss, "form": form})


@login_required
def remiss_add_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    remiss = _coordinated_remiss(request, pk)
    if closed := _closed_message(request, remiss):
        return closed
    form = AddRecipientsForm(request.POST or None, remiss=remiss)
    if request.method == "POST" and form.is_valid():
        try:
            added = sending.add_recipients(
                remiss=remiss,
                user=request.user,
                organisations=list(form.cleaned_data["recipients"]),
            )
        except (sending.SendingError, workflow.TransitionError) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{notifications.names([str(r.organisation) for r in added])} har fått remissen.",
            )
            inside = [r.organisation for r in added if not r.organisation.is_outside]
            _, unreached = notifications.reached(inside)
            unreached += [
                str(r.organisation)
                for r in added
                if r.organisation.is_outside and not r.organisation.contact_email
            ]
            if unreached:
                messages.warning(request, notifications.no_contact(unreached))
            return redirect("remiss_status", pk=remiss.pk)
    return render(request, "remiss/remiss_add_recipients.html", {"remiss": remiss, "form": form})


@require_POST
@login_required
def remiss_recall(request: HttpRequest, pk: int) -> HttpResponse:
    """Återkalla remissen, with a reason: every open case closes and is told."""
    remiss = _coordinated_remiss(request, pk)
    form = RecallForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv varför remissen återkallas.")
        return redirect("remiss_status", pk=remiss.pk)
    try:
        closed = workflow.recall_remiss(
            remiss=remiss, user=request.user, reason=form.cleaned_data["reason"]
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Remissen är återkallad. {len(closed)} remissinstanser som inte hade svarat har "
            "fått besked; deras ärenden är avslutade.",
        )
    return redirect("remiss_status", pk=remiss.pk)


@require_POST
@login_required
def remiss_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Avsluta remissomgången after the deadline: missing replies become "ej inkommit"."""
    remiss = _coordinated_remiss(request, pk)
    try:
        closed = workflow.close_round(remiss=remiss, user=request.user)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        if closed:
            names = notifications.names([str(r.organisation) for r in closed])
            messages.success(
                request, f"Remissomgången är avslutad. Svar har ej inkommit från {names}."
            )
        else:
            messages.success(request, "Remissomgången är avslutad; alla har svarat.")
    return redirect("remiss_status", pk=remiss.pk)


@login_required
def reply_register(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    """Registrera ett svar som kom per post eller e-post från en remissinstans."""
    remiss = _coordinated_remiss(request, pk)
    recipient = get_object_or_404(
        remiss.recipients.select_related("organisation", "remiss"), pk=recipient_pk
    )
    if recipient.status != recipient.Status.AWAITING:
        messages.error(request, f"{recipient.organisation}: {recipient.get_status_display()}.")
        return redirect("remiss_status", pk=remiss.pk)
    form = RegisterReplyForm(
        request.POST or None,
        request.FILES or None,
        initial={"received_on": timezone.localdate(), "channel": ReceivedReply.Channel.POST},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload, checked = data["file"]
        try:
            sending.register_reply(
                recipient=recipient,
                user=request.user,
                received=workflow.ReceivedDocument(
                    checked=checked,
                    upload=upload,
                    received_on=data["received_on"],
                    channel=data["channel"],
                    note=data["note"],
                ),
            )
        except (sending.SendingError, workflow.TransitionError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Svaret från {recipient.organisation} är registrerat.")
            return redirect("remiss_status", pk=remiss.pk)
    if request.method == "POST":
        uploads.ask_for_file_again(
            form,
            "file",
            request.FILES,
            reason="den sparades inte eftersom svaret inte kunde registreras.",
        )
    return render(
        request,
        "remiss/reply_register.html",
        {"remiss": remiss, "recipient": recipient, "form": form},
    )


# Remisses from outside (issue 16) -------------------------------------------------------------


@login_required
def incoming_create(request: HttpRequest) -> HttpResponse:
    """Registrera en inkommen remiss: from a ministry, a region, a myndighet."""
    organisations = list(sending.registering_organisations(request.user))
    if not organisations:
        raise Http404("Du är varken remissamordnare eller registrator.")
    organisation = organisations[0]
    form = IncomingRemissForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checked = data.get("file")
        try:
            case = sending.register_incoming(
                new=sending.NewIncoming(
                    remittent=data["remittent"],
                    registration_number=data["registration_number"].strip(),
                    reference=data["reference"].strip(),
                    title=data["title"].strip(),
                    description=data["description"].strip(),
                    received_on=data["received_on"],
                    deadline=data["deadline"],
                    own_number=data["own_number"].strip(),
                    attachments=[(checked[1], checked[0], data["attachment_title"].strip())]
                    if checked
                    else [],
                ),
                organisation=organisation,
                user=request.user,
            )
        except sending.SendingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Remissen från {case.remiss.sender} är registrerad som "
                f"{case.registration_number}.",
            )
            return redirect("recipient", pk=case.pk)
    if request.method == "POST":
        uploads.ask_for_file_again(
            form,
            "file",
            request.FILES,
            reason="den sparades inte eftersom remissen inte kunde registreras.",
        )
    return render(
        request, "remiss/incoming_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def forward(request: HttpRequest, pk: int) -> HttpResponse:
    """Skicka vidare: the case of an outside remiss, sent on to nämnder and bolag."""
    case = permissions.get_recipient(request.user, pk)
    sending.require_coordinator(request.user, case.organisation_id)
    today = timezone.localdate()
    suggested = sending.suggested_deadline(case, today=today)
    form = ForwardForm(
        request.POST or None,
        sender=case.organisation,
        initial={
            "registration_number": case.registration_number,
            "deadline": suggested,
            "description": case.remiss.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            remiss, moved = sending.forward_remiss(
                case=case,
                user=request.user,
                registration_number=data["registration_number"].strip(),
                deadline=data["deadline"],
                description=data["description"],
                recipients=list(data["recipients"]),
            )
        except sending.SendingError as error:
            messages.error(request, str(error))
        else:
            if moved:
                messages.warning(request, moved)
            messages.success(
                request,
                f"Remissen är skickad vidare till {remiss.recipients.count()} remissinstanser.",
            )
            return redirect("remiss_status", pk=remiss.pk)
    return render(
        request,
        "remiss/forward_form.html",
        {"case": case, "remiss": case.remiss, "form": form, "suggested": suggested},
    )
