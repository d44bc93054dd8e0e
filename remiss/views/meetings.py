"""Meetings: the agenda, the decision on each paragraph, and the justification of the minutes."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from remiss import council, minutes, permissions, signed_text, signing, workflow
from remiss.forms.meetings import (
    AgendaItemForm,
    AgendaStatementForm,
    AttendanceForm,
    CorrectionEditor,
    DecisionEditor,
    MeetingDetailsForm,
    MeetingForm,
    MoveItemForm,
    ReasonForm,
    RecusalForm,
    ReservationReasonForm,
)
from remiss.models import (
    AgendaIssue,
    AgendaItem,
    Decision,
    Meeting,
    Membership,
    Organisation,
    Preview,
    Recusal,
    Reservation,
)
from remiss.views.documents import serve_preview, waiting_page


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    organisations = permissions.member_organisations(request.user)
    meetings = (
        Meeting.objects.filter(organisation_id__in=organisations)
        .select_related("organisation")
        .order_by("-date")
    )
    secretary_of = list(
        Organisation.objects.filter(
            memberships__user=request.user, memberships__role=Membership.Role.SECRETARY
        ).distinct()
    )
    return render(
        request,
        "remiss/meeting_list.html",
        {"meetings": list(meetings), "secretary_of": secretary_of, "today": timezone.localdate()},
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    choices = Organisation.objects.filter(
        memberships__user=request.user, memberships__role=Membership.Role.SECRETARY
    ).distinct()
    try:
        organisation = choices.get(pk=request.GET.get("namnd") or choices.values("pk")[:1])
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("Du är inte nämndsekreterare i någon nämnd.") from None
    form = MeetingForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = workflow.create_meeting(
            organisation=organisation,
            user=request.user,
            new=workflow.NewMeeting(
                date=data["date"],
                starts_at=data.get("starts_at"),
                place=data.get("place", ""),
                open=data.get("open", False),
            ),
        )
        messages.success(request, f"Sammanträdet {meeting.date:%Y-%m-%d} är skapat.")
        return redirect("meeting", pk=meeting.pk)
    return render(
        request,
        "remiss/meeting_form.html",
        {"form": form, "organisation": organisation, "choices": list(choices)},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting(request.user, pk)
    items = list(
        meeting.items.select_related("statement__recipient__remiss", "decision")
        .prefetch_related("delegated_decisions")
        .order_by("number")
    )
    secretary = permissions.is_secretary(request.user, meeting.organisation_id)
    signatures = list(meeting.signatures.of_minutes().select_related("user"))
    signed = {signature.user_id for signature in signatures}
    return render(
        request,
        "remiss/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "attendance": minutes.meeting_attendance(meeting),
            "issues": list(meeting.issues.order_by("version")),
            "events": list(
                meeting.events.select_related("actor", "item").order_by("-created_at", "-pk")[:50]
            ),
            "numbered": Decision.objects.filter(item__meeting=meeting).exists(),
            "can_change": secretary and not meeting.minutes_justified_on,
            "justifiers": list(meeting.justifiers.all()),
            "signatures": signatures,
            "is_secretary": secretary,
            "statement_form": AgendaStatementForm(organisation=meeting.organisation)
            if secretary and not meeting.minutes_justified_on
            else None,
            "item_form": AgendaItemForm()
            if secretary and not meeting.minutes_justified_on
            else None,
            "can_justify": workflow.may_justify_minutes(request.user, meeting),
            "notice": meeting.notices.filter(decision__isnull=True).first(),
            "waiting_for": [person for person in _people(meeting) if person.pk not in signed]
            if not meeting.minutes_justified_on
            else [],
            "warning": meeting.justification_warning(),
            "to_report": list(workflow.delegated_decisions_to_report(meeting.organisation_id))
            if secretary and not meeting.minutes_justified_on
            else [],
            "held": meeting.date <= timezone.localdate(),
        },
    )


def _people(meeting: Meeting):
    people = list(meeting.justifiers.all())
    if meeting.chair:
        people.insert(0, meeting.chair)
    return people


@require_POST
@login_required
def meeting_add_statement(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting(request.user, pk)
    permissions.require_secretary(request.user, meeting.organisation_id)
    form = AgendaStatementForm(request.POST, organisation=meeting.organisation)
    if not form.is_valid():
        messages.error(request, "Välj ett signerat tjänsteutlåtande att sätta upp.")
        return redirect("meeting", pk=meeting.pk)
    try:
        item = workflow.put_on_agenda(
            statement=form.cleaned_data["statement"], meeting=meeting, user=request.user
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{item} är uppsatt på föredragningslistan.")
    return redirect("meeting", pk=meeting.pk)


@require_POST
@login_required
def meeting_add_item(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting(request.user, pk)
    permissions.require_secretary(request.user, meeting.organisation_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        item = workflow.add_agenda_item(
            meeting=meeting, user=request.user, title=form.cleaned_data["title"]
        )
        messages.success(request, f"{item} är tillagd.")
    else:
        messages.error(request, "Skriv en rubrik för punkten.")
    return redirect("meeting", pk=meeting.pk)


def _item(meeting: Meeting, number: int) -> AgendaItem:
    try:
        return meeting.items.select_related("statement__recipient__remiss", "meeting").get(
            number=number
        )
    except AgendaItem.DoesNotExist:
        raise Http404("Paragrafen finns inte.") from None


@login_required
def decision_record(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting = permissions.get_meeting(request.user, pk)
    permissions.require_secretary(request.user, meeting.organisation_id)
    item = _item(meeting, number)
    if Decision.objects.filter(item=item).exists():
        messages.info(request, f"§ {item.number} har redan ett beslut.")
        return redirect("paragraph", pk=meeting.pk, number=item.number)
    editor = DecisionEditor(
        item, council.serving_on(item), request.POST or None, initial=_initial(item)
    )
    if request.method == "POST" and editor.is_valid():
        try:
            workflow.record_decision(item=item, user=request.user, record=editor.record())
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Beslutet i § {item.number} är protokollfört.")
            return redirect("paragraph", pk=meeting.pk, number=item.number)
    return render(
        request,
        "remiss/decision_form.html",
        {"meeting": meeting, "item": item, "editor": editor},
    )


def _initial(item: AgendaItem) -> dict:
    statement = item.statement
    if statement is None:
        return {"outcome": Decision.Outcome.ADOPTED}
    proposals = statement.proposals
    return {
        "outcome": Decision.Outcome.ADOPTED,
        "text": "\n".join(
            f"{n}. {text}" if len(proposals) > 1 else text
            for n, text in enumerate(proposals, start=1)
        ),
        "immediate": any("justeras omedelbart" in text.lower() for text in proposals),
    }


@login_required
def paragraph_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting = permissions.get_meeting(request.user, pk)
    item = _item(meeting, number)
    decision = (
        Decision.objects.filter(item=item)
        .select_related("recorded_by", "vote")
        .prefetch_related("proposals", "reservations", "special_statements", "notes")
        .first()
    )
    ballots = []
    if decision is not None and hasattr(decision, "vote"):
        ballots = list(decision.vote.ballots.select_related("member"))
    return render(
        request,
        "remiss/paragraph_detail.html",
        {
            "meeting": meeting,
            "item": item,
            "decision": decision,
            "ballots": ballots,
            "archived": list(decision.documents.order_by("kind")) if decision else [],
            "participants": council.serving_on(item),
            "recusals": list(item.recusals.select_related("member", "substitute")),
            "recusal_form": _recusal_form(meeting, item)
            if decision is None and not meeting.minutes_justified_on
            else None,
            "can_correct": decision is not None and decision.justified_on is None,
            "reason_form": ReservationReasonForm(),
            "events": list(item.events.select_related("actor").order_by("-created_at", "-pk")),
            "justifiers": _people(meeting),
            "is_secretary": permissions.is_secretary(request.user, meeting.organisation_id),
            "paragraph_signatures": list(decision.signatures.select_related("user"))
            if decision is not None
            else [],
            "can_justify": decision is not None
            and workflow.may_justify_paragraph(request.user, decision),
            "notice": decision.notices.first() if decision is not None else None,
        },
    )


def _signing_page(
    request: HttpRequest,
    *,
    meeting: Meeting,
    text: str,
    heading: str,
    back: str,
    sign,
    item: AgendaItem | None = None,
    done: str,
    waiting: str,
) -> HttpResponse:
    """The signing page: the exact text to justify, and the backend's confirmation of who is
    signing (remiss.signing). A POST signs the SHA-256 of the text the page showed; a wrong
    password or a changed text signs nothing and shows the page again."""
    backend = signing.backend()
    digest = signed_text.sha256(text)
    error = ""
    if request.method == "POST":
        seen = str(request.POST.get("sha256", ""))
        try:
            confirmation = backend.confirm(
                request=request, user=request.user, data=request.POST, sha256=seen
            )
            completed = sign(confirmation=confirmation, sha256=seen)
        except signing.SigningError as failure:
            error = str(failure)
        except workflow.TransitionError as failure:
            messages.error(request, str(failure))
            return redirect(back)
        else:
            messages.success(request, done if completed else waiting)
            return redirect(back)
    return render(
        request,
        "remiss/justify.html",
        {
            "meeting": meeting,
            "item": item,
            "heading": heading,
            "text": text,
            "sha256": digest,
            "backend": backend,
            "error": error,
            "back": back,
        },
        status=400 if error else 200,
    )


@login_required
def meeting_justify(request: HttpRequest, pk: int) -> HttpResponse:
    """Justera protokollet: the chair or a justerare, for themselves."""
    meeting = permissions.get_meeting(request.user, pk)
    back = reverse("meeting", args=[meeting.pk])
    try:
        workflow.check_justify_minutes(request.user, meeting)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect(back)
    return _signing_page(
        request,
        meeting=meeting,
        text=signed_text.minutes_text(meeting),
        heading=f"Justera protokollet från sammanträdet {meeting.date:%Y-%m-%d}",
        back=back,
        sign=lambda **kw: workflow.justify_minutes(meeting=meeting, user=request.user, **kw),
        done="Protokollet är justerat och anslaget på anslagstavlan. Besluten står fast och "
        "remissvaren är skickade.",
        waiting="Din justering är registrerad. Protokollet väntar på de andra.",
    )


@login_required
def paragraph_justify(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Omedelbar justering of one paragraph: the chair or a justerare, for themselves."""
    meeting = permissions.get_meeting(request.user, pk)
    item = _item(meeting, number)
    back = reverse("paragraph", args=[meeting.pk, item.number])
    decision = Decision.objects.filter(item=item).select_related("item__meeting").first()
    if decision is None:
        if request.user.pk not in workflow.justifiers_of(meeting):
            raise PermissionDenied("Bara ordföranden och de utsedda justerarna justerar.")
        messages.error(request, f"§ {item.number} har inget beslut ännu.")
        return redirect(back)
    try:
        workflow.check_justify_paragraph(request.user, decision)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect(back)
    return _signing_page(
        request,
        meeting=meeting,
        item=item,
        text=signed_text.extract_text(decision),
        heading=f"Justera § {item.number} omedelbart",
        back=back,
        sign=lambda **kw: workflow.justify_paragraph(decision=decision, user=request.user, **kw),
        done=f"§ {item.number} är justerad och anslagen på anslagstavlan.",
        waiting=f"Din justering av § {item.number} är registrerad. Paragrafen väntar på de andra.",
    )


@require_POST
@login_required
def delegated_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Anmälan av delegationsbeslut: the delegationsbeslut not yet reported go on the agenda."""
    meeting = _secretary_meeting(request, pk)
    try:
        item = workflow.report_delegated_decisions(meeting=meeting, user=request.user)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Delegationsbesluten anmäls under {item}.")
    return redirect("meeting", pk=meeting.pk)


# --- The meeting as the law knows it (issue 11) ------------------------------------------------


def _secretary_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = permissions.get_meeting(request.user, pk)
    permissions.require_secretary(request.user, meeting.organisation_id)
    return meeting


@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Närvaro, ordförande och justerare."""
    meeting = _secretary_meeting(request, pk)
    seats = list(council.seats(meeting))
    items = list(meeting.items.order_by("number"))
    form = AttendanceForm(
        request.POST or None,
        seats=seats,
        items=items,
        initial=AttendanceForm.initial_for(meeting, seats),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.record_attendance(
                meeting=meeting,
                user=request.user,
                rows=form.rows(),
                chair=data["chair"],
                capacity=data["chair_capacity"],
                justifiers=list(data["justifiers"]),
                reason=data.get("reason", ""),
            )
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Närvaron är registrerad.")
            return redirect("meeting", pk=meeting.pk)
    return render(
        request,
        "remiss/meeting_attendance.html",
        {"meeting": meeting, "form": form, "seats": seats},
    )


@login_required
def meeting_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Ändra tid, plats och övriga uppgifter, med skäl."""
    meeting = _secretary_meeting(request, pk)
    form = MeetingDetailsForm(request.POST or None, instance=Meeting.objects.get(pk=meeting.pk))
    if request.method == "POST" and form.is_valid():
        try:
            workflow.change_meeting_details(
                meeting=meeting,
                user=request.user,
                reason=form.cleaned_data["reason"],
                **form.values(),
            )
        except workflow.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Sammanträdet är ändrat.")
            return redirect("meeting", pk=meeting.pk)
    return render(request, "remiss/meeting_change.html", {"meeting": meeting, "form": form})


@require_POST
@login_required
def item_move(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting = _secretary_meeting(request, pk)
    item = _item(meeting, number)
    form = MoveItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange den nya platsen som ett nummer.")
        return redirect("meeting", pk=meeting.pk)
    try:
        moved = workflow.move_item(
            item=item, user=request.user, position=form.cleaned_data["position"]
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{moved.title} är nu § {moved.number}.")
    return redirect("meeting", pk=meeting.pk)


@require_POST
@login_required
def item_remove(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting = _secretary_meeting(request, pk)
    item = _item(meeting, number)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv skälet till att punkten stryks.")
        return redirect("meeting", pk=meeting.pk)
    try:
        workflow.remove_item(item=item, user=request.user, reason=form.cleaned_data["reason"])
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{item.title} är struken från föredragningslistan.")
    return redirect("meeting", pk=meeting.pk)


def _recusal_form(meeting: Meeting, item: AgendaItem, data=None) -> RecusalForm:
    substitutes = [
        a
        for a in meeting.attendance.filter(serving=False, seat__kind="substitute").select_related(
            "user", "seat"
        )
    ]
    return RecusalForm(data, serving=council.serving_on(item), substitutes=substitutes)


@require_POST
@login_required
def recusal_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting = _secretary_meeting(request, pk)
    item = _item(meeting, number)
    form = _recusal_form(meeting, item, request.POST)
    if not form.is_valid():
        messages.error(request, "Välj den jäviga ledamoten.")
        return redirect("paragraph", pk=meeting.pk, number=item.number)
    people = get_user_model().objects.in_bulk(
        [form.cleaned_data["member"], form.cleaned_data["substitute"] or 0]
    )
    try:
        workflow.record_recusal(
            item=item,
            user=request.user,
            member=people[form.cleaned_data["member"]],
            substitute=people.get(form.cleaned_data["substitute"]),
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Jävet i § {item.number} är registrerat.")
    return redirect("paragraph", pk=meeting.pk, number=item.number)


@require_POST
@login_required
def recusal_remove(request: HttpRequest, pk: int, number: int, recusal_pk: int) -> HttpResponse:
    meeting = _secretary_meeting(request, pk)
    item = _item(meeting, number)
    try:
        recusal = item.recusals.get(pk=recusal_pk)
    except Recusal.DoesNotExist:
        raise Http404("Jävet finns inte.") from None
    form = ReasonForm(request.POST)
    try:
        workflow.remove_recusal(
            recusal=recusal,
            user=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Jävet är borttaget.")
    return redirect("paragraph", pk=meeting.pk, number=item.number)


@require_POST
@login_required
def agenda_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Skicka kallelsen (or a tilläggslista when the agenda has changed)."""
    meeting = _secretary_meeting(request, pk)
    try:
        issue = workflow.issue_agenda(meeting=meeting, user=request.user)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{issue.label} är skickad till ledamöter och ersättare.")
    return redirect("meeting", pk=meeting.pk)


@login_required
def agenda_pdf(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    """The kallelse as issued (kept, never rendered again); while the worker still makes its
    PDF, a page that says so (and, should it fail, lets a member of the council try again)."""
    meeting = permissions.get_meeting(request.user, pk)
    return serve_issue(
        request, meeting, version, may_retry=True, back_url=reverse("meeting", args=[meeting.pk])
    )


def serve_issue(
    request: HttpRequest, meeting: Meeting, version: int, *, may_retry: bool, back_url: str
) -> HttpResponse:
    """The kallelse's PDF once the worker has made it; until then the waiting page, which leads
    back to `back_url` (the meeting's page, the members' or the public's)."""
    try:
        issue = meeting.issues.get(version=version)
    except AgendaIssue.DoesNotExist:
        raise Http404("Kallelsen finns inte.") from None
    if issue.state != AgendaIssue.State.READY:
        if request.method == "POST" and may_retry:
            minutes.retry(issue)
            return redirect(request.path)
        return waiting_page(
            request, issue, may_retry=may_retry, back=(back_url, gettext("Till sammanträdet"))
        )
    return FileResponse(
        issue.file.open("rb"),
        as_attachment=True,
        filename=minutes.agenda_filename(issue),
        content_type="application/pdf",
    )


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole protokoll as PDF/A, marked UTKAST until it is justified: a preview, rendered
    by a job once per content (see remiss/previews.py)."""
    meeting = permissions.get_meeting(request.user, pk)
    return serve_preview(
        request,
        kind=Preview.Kind.MINUTES,
        object_id=meeting.pk,
        html=lambda: minutes.minutes_html(meeting),
        filename=minutes.minutes_filename(meeting),
    )


@login_required
def decision_correct(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Rätta beslutet före justeringen, med skäl."""
    meeting = _secretary_meeting(request, pk)
    item = _item(meeting, number)
    decision = (
        Decision.objects.filter(item=item)
        .select_related("item__meeting", "vote")
        .prefetch_related("proposals", "reservations", "special_statements", "notes")
        .first()
    )
    if decision is None:
        raise Http404("Paragrafen har inget beslut ännu.")
    if decision.justified_on is not None:
        messages.error(request, f"§ {item.number} är justerad; beslutet kan inte ändras.")
        return redirect("paragraph", pk=meeting.pk, number=item.number)
    editor = CorrectionEditor(decision, council.serving_on(item), request.POST or None)
    if request.method == "POST" and editor.is_valid():
        try:
            workflow.correct_decision(
                decision=decision,
                user=request.user,
                record=editor.record(),
                reason=editor.reason.cleaned_data["reason"],
            )
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Beslutet i § {item.number} är rättat.")
            return redirect("paragraph", pk=meeting.pk, number=item.number)
    return render(
        request,
        "remiss/decision_form.html",
        {"meeting": meeting, "item": item, "editor": editor, "correcting": True},
    )


@require_POST
@login_required
def reservation_reasons(
    request: HttpRequest, pk: int, number: int, reservation_pk: int
) -> HttpResponse:
    """Reservationens skriftliga motivering, before justification."""
    meeting = _secretary_meeting(request, pk)
    item = _item(meeting, number)
    try:
        reservation = Reservation.objects.get(pk=reservation_pk, decision__item=item)
    except Reservation.DoesNotExist:
        raise Http404("Reservationen finns inte.") from None
    form = ReservationReasonForm(request.POST)
    try:
        workflow.add_reservation_reasons(
            reservation=reservation,
            user=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Motiveringen är sparad.")
    return redirect("paragraph", pk=meeting.pk, number=item.number)
