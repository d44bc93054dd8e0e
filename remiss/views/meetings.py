"""Meetings: the agenda, the decision on each paragraph, and the justification of the minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from remiss import permissions, workflow
from remiss.forms.meetings import AgendaItemForm, AgendaStatementForm, DecisionEditor, MeetingForm
from remiss.models import (
    AgendaItem,
    Decision,
    Meeting,
    Membership,
    Organisation,
)


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
                chair=data["chair"],
                justifiers=list(data["justifiers"]),
                attendance=list(data["attendance"]),
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
        meeting.items.select_related("statement__recipient__remiss", "decision").order_by("number")
    )
    secretary = permissions.is_secretary(request.user, meeting.organisation_id)
    required = workflow.justifiers_of(meeting)
    signatures = list(meeting.signatures.select_related("user"))
    signed = {signature.user_id for signature in signatures}
    all_decided = bool(items) and all(hasattr(item, "decision") for item in items)
    return render(
        request,
        "remiss/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "attendance": list(meeting.attendance.select_related("user")),
            "justifiers": list(meeting.justifiers.all()),
            "signatures": signatures,
            "is_secretary": secretary,
            "statement_form": AgendaStatementForm(organisation=meeting.organisation)
            if secretary and not meeting.minutes_justified_on
            else None,
            "item_form": AgendaItemForm()
            if secretary and not meeting.minutes_justified_on
            else None,
            "can_justify": request.user.pk in required
            and request.user.pk not in signed
            and all_decided
            and not meeting.minutes_justified_on,
            "waiting_for": [person for person in _people(meeting) if person.pk not in signed]
            if not meeting.minutes_justified_on
            else [],
            "warning": meeting.justification_warning(),
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
    voters = [a.user for a in meeting.attendance.filter(serving=True).select_related("user")]
    editor = DecisionEditor(item, voters, request.POST or None, initial=_initial(item))
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
            "justifiers": _people(meeting),
            "is_secretary": permissions.is_secretary(request.user, meeting.organisation_id),
        },
    )


@require_POST
@login_required
def meeting_justify(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = permissions.get_meeting(request.user, pk)
    try:
        completed = workflow.justify_minutes(meeting=meeting, user=request.user)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        if completed:
            messages.success(
                request,
                "Protokollet är justerat. Besluten står fast och remissvaren är skickade.",
            )
        else:
            messages.success(
                request, "Din justering är registrerad. Protokollet väntar på de andra."
            )
    return redirect("meeting", pk=meeting.pk)
