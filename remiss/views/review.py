"""The workflow's moves on a statement, and declining a remiss. Each is a POST that calls the
workflow and redirects; a move that is not possible now becomes a message, a person without the
role gets 403 (STYLE.md §4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from remiss import notifications, numbers, permissions, sending, workflow
from remiss.forms.sending import ExtensionRequestForm
from remiss.models import Statement


def _submit(statement, request):
    workflow.submit(
        statement=statement, user=request.user, comment=numbers.text(request.POST.get("comment"))
    )
    reviewers = notifications.partition(notifications.reviewers(statement))
    return f"Utlåtandet är lämnat till granskning. {notifications.told(reviewers)}"


def _return(statement, request):
    sections = {
        name: numbers.text(request.POST.get(f"comment-{name}")) for name, _ in Statement.SECTIONS
    }
    workflow.return_to_draft(
        statement=statement,
        user=request.user,
        comment=numbers.text(request.POST.get("comment")),
        section_comments=sections,
    )
    return "Utlåtandet är returnerat till handläggaren med dina kommentarer."


def _sign(statement, request):
    workflow.sign(statement=statement, user=request.user)
    return "Utlåtandet är signerat. Texten kan inte längre ändras."


def _withdraw(statement, request):
    workflow.withdraw(
        statement=statement, user=request.user, comment=numbers.text(request.POST.get("comment"))
    )
    return "Signeringen är tillbakatagen; utlåtandet är ett utkast igen."


MOVES = {
    "lamna-till-granskning": _submit,
    "returnera": _return,
    "signera": _sign,
    "ta-tillbaka": _withdraw,
}


@require_POST
@login_required
def statement_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    statement = permissions.get_statement(request.user, pk)
    action = MOVES.get(move)
    if action is None:
        raise Http404("Det steget finns inte.")
    try:
        message = action(statement, request)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("statement", pk=statement.pk)


@require_POST
@login_required
def recipient_decline(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = permissions.get_recipient(request.user, pk)
    try:
        workflow.decline(
            recipient=recipient, user=request.user, reason=numbers.text(request.POST.get("reason"))
        )
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Remissen är markerad som avböjd. Remittenten har meddelats.")
    return redirect("recipient", pk=recipient.pk)


@require_POST
@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Begär anstånd, from the recipient's page."""
    recipient = permissions.get_recipient(request.user, pk)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        out_of_range = form.errors["deadline"] if form.has_error("deadline", "out_of_range") else []
        messages.error(
            request,
            " ".join(
                ["Ange ett nytt svarsdatum och skälet till att ni behöver anstånd.", *out_of_range]
            ),
        )
        return redirect("recipient", pk=recipient.pk)
    try:
        sending.request_extension(
            recipient=recipient,
            user=request.user,
            deadline=form.cleaned_data["deadline"],
            reason=form.cleaned_data["reason"],
        )
    except sending.SendingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Begäran om anstånd är skickad till remittenten.")
    return redirect("recipient", pk=recipient.pk)
