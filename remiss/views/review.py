"""The workflow's moves on a statement, and the steps on a recipient's case: one view and one URL
per move. Each is a POST checked by the same rule that shows its button (workflow's
statement_moves and recipient_moves), that calls the workflow and redirects; a move that is not
possible now becomes a message, a person without the role gets 403 (docs/style.md §4)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from remiss import (
    notifications,
    numbers,
    permissions,
    registry,
    selectors,
    sending,
    workflow,
)
from remiss.forms.sending import ExtensionRequestForm
from remiss.models import Statement


def _make_move(
    request: HttpRequest, pk: int, action: str, move, done: str | Callable[[Statement], str]
) -> HttpResponse:
    """The one shape of every move's view: the scoped lookup (404 outside), the same rule as
    the buttons (workflow.check_statement_move: 403 "not you", a message "not now"), the move
    itself, a message and back to the statement."""
    statement = permissions.get_statement(request.user, pk)
    try:
        workflow.check_statement_move(request.user, statement, action)
        move(statement)
    except workflow.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done(statement) if callable(done) else done)
    return redirect("statement", pk=statement.pk)


@require_POST
@login_required
def statement_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Lämna till granskning."""
    return _make_move(
        request,
        pk,
        "submit",
        lambda statement: workflow.submit(
            statement=statement,
            user=request.user,
            comment=numbers.text(request.POST.get("comment")),
        ),
        lambda statement: (
            "Utlåtandet är lämnat till granskning. "
            + notifications.told(notifications.partition(notifications.reviewers(statement)))
        ),
    )


@require_POST
@login_required
def statement_withdraw_submission(request: HttpRequest, pk: int) -> HttpResponse:
    """Ta tillbaka från granskningen: the handläggare, before the review has started."""
    return _make_move(
        request,
        pk,
        "withdraw_submission",
        lambda statement: workflow.withdraw_submission(
            statement=statement,
            user=request.user,
            comment=numbers.text(request.POST.get("comment")),
        ),
        "Utlåtandet är tillbakataget från granskningen och är ett utkast igen. "
        "Förvaltningschefen har fått besked.",
    )


@require_POST
@login_required
def statement_start_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Påbörja granskningen."""
    return _make_move(
        request,
        pk,
        "start_review",
        lambda statement: workflow.start_review(statement=statement, user=request.user),
        "Du granskar utlåtandet. Handläggaren kan inte längre ta tillbaka det; det väntar på "
        "din signering under Att göra.",
    )


@require_POST
@login_required
def statement_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Returnera till handläggaren, with a comment and comments on sections."""
    sections = {
        key.removeprefix("comment-"): numbers.text(value)
        for key, value in request.POST.items()
        if key.startswith("comment-")
    }
    return _make_move(
        request,
        pk,
        "return_to_draft",
        lambda statement: workflow.return_to_draft(
            statement=statement,
            user=request.user,
            comment=numbers.text(request.POST.get("comment")),
            section_comments=sections,
        ),
        "Utlåtandet är returnerat till handläggaren med dina kommentarer.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def statement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Signera: the text is fixed from now on. The GET asks for confirmation with the text as
    it will be signed; the POST signs."""
    if request.method == "GET":
        statement = permissions.get_statement(request.user, pk)
        try:
            workflow.check_statement_move(request.user, statement, "sign")
        except workflow.TransitionError as error:
            messages.error(request, str(error))
            return redirect("statement", pk=statement.pk)
        return render(
            request,
            "remiss/statement_sign.html",
            {
                "statement": statement,
                "changes": selectors.changes_since_review(statement),
                "focus_area_views": list(statement.focus_area_views.select_related("focus_area")),
                "statement_attachments": list(statement.attachments.all()),
            },
        )
    return _make_move(
        request,
        pk,
        "sign",
        lambda statement: workflow.sign(statement=statement, user=request.user),
        "Utlåtandet är signerat. Texten kan inte längre ändras.",
    )


@require_POST
@login_required
def statement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Ta tillbaka signeringen: only the one who signed."""
    return _make_move(
        request,
        pk,
        "withdraw",
        lambda statement: workflow.withdraw(
            statement=statement,
            user=request.user,
            comment=numbers.text(request.POST.get("comment")),
        ),
        "Signeringen är tillbakatagen; utlåtandet är ett utkast igen.",
    )


@require_POST
@login_required
def statement_answer_on_delegation(request: HttpRequest, pk: int) -> HttpResponse:
    """Besvara på delegation: the delegate decides that the signed statement is the reply."""
    return _make_move(
        request,
        pk,
        "answer_on_delegation",
        lambda statement: workflow.answer_on_delegation(statement=statement, user=request.user),
        "Remissen är besvarad på delegation och svaret är skickat. Delegationsbeslutet anmäls "
        "vid nämndens nästa sammanträde.",
    )


@require_POST
@login_required
def recipient_decline(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = permissions.get_recipient(request.user, pk)
    try:
        workflow.check_recipient_move(request.user, recipient, "decline")
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
def recipient_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Vårt dnr: the registrator or a handläggare enters the case's own registry number."""
    recipient = permissions.get_recipient(request.user, pk)
    try:
        workflow.check_recipient_move(request.user, recipient, "register")
        registry.register_case(
            recipient=recipient,
            user=request.user,
            number=numbers.text(request.POST.get("registration_number")),
        )
    except (workflow.TransitionError, registry.RegistryError) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, "Diarienumret är sparat. Det står på tjänsteutlåtandet och i svaret."
        )
    return redirect("recipient", pk=recipient.pk)


@require_POST
@login_required
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Begär anstånd, from the recipient's page."""
    recipient = permissions.get_recipient(request.user, pk)
    try:
        workflow.check_recipient_move(request.user, recipient, "request_extension")
    except workflow.TransitionError as error:
        messages.error(request, str(error))
        return redirect("recipient", pk=recipient.pk)
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
