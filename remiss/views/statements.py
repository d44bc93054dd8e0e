"""Pages for the people who handle remisses. Small functions: look up through a scoped helper,
validate a form, call a service, redirect (docs/style.md §7)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from remiss import (
    compare,
    compilation,
    drafting,
    numbers,
    permissions,
    replies,
    selectors,
    uploads,
    workflow,
)
from remiss.forms.statements import StatementEditor
from remiss.kept_forms import as_querydict, keep_form_through_login, pop_kept_form
from remiss.models import AutosavedDraft, Membership, Statement, StatementVersion, StoredDocument


@login_required
def recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The remiss as a recipient sees it, with the way to its statement and, once delivered,
    the reply as the sender received it."""
    recipient = permissions.get_recipient(request.user, pk)
    remiss = recipient.remiss
    reply = replies.read(recipient)
    statement = reply.statement
    if statement is not None and not (
        Statement.objects.of_organisations_of(request.user).filter(pk=statement.pk).exists()
    ):
        statement = None  # a ledamot sees no draft: only what stands on an issued agenda
    return render(
        request,
        "remiss/recipient_detail.html",
        {
            "recipient": recipient,
            "remiss": remiss,
            "statement": statement,
            "statement_hidden": statement is None and reply.statement is not None,
            "reply": reply if recipient.status == recipient.Status.DELIVERED else None,
            "moves": workflow.recipient_moves(request.user, recipient),
            "focus_areas": list(remiss.programme.focus_areas.all()) if remiss.programme else [],
            "attachments": list(remiss.attachments.all()),
            "extension_requests": list(
                recipient.extension_requests.select_related("requested_by", "decided_by")
            ),
            "advice": selectors.deadline_advice([recipient], timezone.localdate()).get(
                recipient.pk
            ),
            "today": timezone.localdate(),
            "events": list(recipient.events.timeline()),
            "forwarded": list(recipient.forwarded_remisses.with_answer_counts()),
            "may_forward": recipient.status == recipient.Status.AWAITING
            and remiss.sender.is_outside
            and Membership.Role.REMISS_COORDINATOR
            in permissions.roles_in(request.user, recipient.organisation_id),
        },
    )


@require_POST
@login_required
def start_statement(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = permissions.get_recipient(request.user, pk)
    existing = workflow.statement_of(recipient)
    if existing is not None:  # a second click, or a second person: open the one there is
        return redirect("statement", pk=existing.pk)
    try:
        workflow.check_recipient_move(request.user, recipient, "start")
        statement = drafting.start_statement(recipient=recipient, user=request.user)
    except (drafting.DraftingError, workflow.TransitionError) as error:
        messages.error(request, str(error))
        return redirect("recipient", pk=recipient.pk)
    messages.success(request, "Tjänsteutlåtandet är påbörjat. Texten sparas som version 1.")
    return redirect("statement_edit", pk=statement.pk)


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = permissions.get_statement(request.user, pk)
    # The index of (statement, number) read backwards: the latest version without a sort.
    latest = statement.versions.select_related("author").order_by("-number").first()
    recipient = statement.recipient
    return render(
        request,
        "remiss/statement_detail.html",
        {
            "statement": statement,
            "latest": latest,
            "actions": permissions.allowed_actions(request.user, statement),
            "moves": workflow.statement_moves(request.user, statement),
            "sections": Statement.SECTIONS,
            "review_parts": [
                (name, heading, text)
                for (name, _), (heading, text) in zip(
                    Statement.SECTIONS, statement.sections(), strict=True
                )
            ],
            "agenda_items": list(
                statement.agenda_items.select_related("meeting", "decision").order_by(
                    "meeting__date"
                )
            ),
            "review_comments": selectors.latest_review_comments(statement),
            "changes": selectors.changes_since_review(statement),
            "archived": list(
                StoredDocument.objects.filter(decision__item__statement=statement).order_by("kind")
            ),
            "advice": selectors.deadline_advice([recipient], timezone.localdate()).get(
                recipient.pk
            ),
            **_document_context(statement),
            "events": list(recipient.events.timeline()),
        },
    )


def _document_context(statement: Statement) -> dict:
    """What the printed statement shows, read in a fixed number of queries."""
    return {
        "focus_area_views": list(statement.focus_area_views.select_related("focus_area")),
        "statement_attachments": list(statement.attachments.all()),
    }


# Said on the file field when the editor comes back without saving (a browser never refills it).
FILE_NOT_SAVED = "den sparades inte eftersom texten inte kunde sparas."
FILE_NOT_SAVED_BY_SUGGESTION = (
    "ingenting sparades när texten skrevs utifrån stegen. Tryck Spara när du har valt den."
)


@keep_form_through_login
def statement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    statement = permissions.get_statement(request.user, pk)
    permissions.require(request.user, "edit", statement)
    conflict = None
    if request.method == "POST" and request.POST.get("action") in {"suggest", "suggest_round"}:
        editor = _with_suggested_preparation(
            statement, request, from_round=request.POST["action"] == "suggest_round"
        )
        uploads.ask_for_file_again(
            editor.attachment_form, "file", request.FILES, reason=FILE_NOT_SAVED_BY_SUGGESTION
        )
    elif request.method == "POST":
        editor = StatementEditor(statement, request.POST, request.FILES)
        if editor.is_valid():
            try:
                saved = drafting.save_statement(
                    statement=statement,
                    user=request.user,
                    base_version=editor.base_version,
                    text=editor.text(),
                    attach=editor.uploads(),
                    remove_attachments=editor.removals(),
                )
            except drafting.StaleVersion as stale:
                conflict = stale.current
                statement.refresh_from_db()
                # Show the person's text again, now based on the version they have seen.
                data = request.POST.copy()
                data["base_version"] = str(conflict.number)
                editor = StatementEditor(statement, data)
                editor.is_valid()
                messages.error(request, str(stale))
            except drafting.DraftingError as error:
                messages.error(request, str(error))
                return redirect("statement", pk=statement.pk)
            else:
                messages.success(request, f"Sparat som version {saved.version}.")
                return redirect("statement_edit", pk=statement.pk)
        uploads.ask_for_file_again(
            editor.attachment_form, "file", request.FILES, reason=FILE_NOT_SAVED
        )
    else:
        kept = pop_kept_form(request)
        draft = AutosavedDraft.objects.filter(statement=statement, user=request.user).first()
        if kept is not None:
            editor = StatementEditor(statement, kept)
            editor.is_valid()
            messages.warning(
                request,
                "Du loggades ut innan texten sparades. Här är texten du skrev: "
                "kontrollera den och spara.",
            )
        elif draft is not None and request.GET.get("utkast") == "1":
            editor = StatementEditor(statement, as_querydict(draft.data))
            editor.is_valid()
            messages.info(
                request, "Ditt autosparade utkast visas. Det sparas som en version när du sparar."
            )
            draft = None
        else:
            editor = StatementEditor(statement)
    review_comments = selectors.latest_review_comments(statement)
    return render(
        request,
        "remiss/statement_edit.html",
        {
            "statement": statement,
            "review_comments": review_comments,
            "anchored": selectors.comments_by_anchor(review_comments),
            "editor": editor,
            "conflict": conflict,
            "conflict_text": conflict and _conflict_text(conflict),
            "draft": draft if request.method == "GET" else None,
            "suggested_preparation": drafting.suggested_preparation(
                [(s.kind, s.who, s.date) for s in statement.preparation_steps.all()]
            ),
            "round": [
                compilation.build(remiss)
                for remiss in statement.recipient.forwarded_remisses.select_related("programme")
            ],
        },
    )


def _with_suggested_preparation(
    statement: Statement, request: HttpRequest, *, from_round: bool = False
) -> StatementEditor:
    """Fill "Ärendets beredning" from the steps on screen, or from the round the case was sent
    on in (who was asked, who answered); nothing is saved until Spara."""
    if from_round:
        data = request.POST.copy()
        data["preparation"] = drafting.round_preparation(statement.recipient)
        editor = StatementEditor(statement, data)
        editor.is_valid()
        messages.info(
            request,
            "Texten i Ärendets beredning är ifylld utifrån remissomgången. Den sparas när du "
            "trycker Spara.",
        )
        return editor
    editor = StatementEditor(statement, request.POST)
    if not editor.steps.is_valid():
        messages.error(request, "Rätta beredningsstegen först, så kan texten skrivas utifrån dem.")
        editor.is_valid()
        return editor
    data = request.POST.copy()
    data["preparation"] = drafting.suggested_preparation(editor.preparation_steps())
    editor = StatementEditor(statement, data)
    editor.is_valid()
    messages.info(
        request,
        "Texten i Ärendets beredning är ifylld utifrån stegen. Den sparas när du trycker Spara.",
    )
    return editor


def _conflict_text(version: StatementVersion) -> list[tuple[str, str]]:
    content = version.content
    headings = dict(Statement.SECTIONS)
    parts = [("Rubrik", content["title"]), ("Förslag till beslut", "\n".join(content["proposals"]))]
    parts += [(headings[name], text) for name, text in content["sections"].items()]
    parts += [
        (f"Fokusområde {view['number']}. {view['title']}", view["text"])
        for view in content["focus_area_views"]
    ]
    return parts


@require_POST
def statement_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep the form while the person writes (called by the editor's script)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": "Du är utloggad. Texten finns kvar här på sidan: tryck Spara och logga in."},
            status=401,
        )
    statement = permissions.get_statement(request.user, pk)
    base_version = numbers.parse(request.POST.get("base_version"), maximum=numbers.VERSION_MAX)
    if base_version is None:
        return JsonResponse({"error": "Formuläret saknar version."}, status=400)
    data = numbers.without_nul(
        {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    )
    drafting.autosave(statement=statement, user=request.user, base_version=base_version, data=data)
    saved_at = timezone.localtime()
    return JsonResponse(
        {"saved_at": saved_at.isoformat(), "message": f"Utkast sparat {saved_at:%H:%M}"}
    )


@require_POST
@login_required
def statement_autosave_discard(request: HttpRequest, pk: int) -> HttpResponse:
    statement = permissions.get_statement(request.user, pk)
    AutosavedDraft.objects.filter(statement=statement, user=request.user).delete()
    messages.info(request, "Det autosparade utkastet är borttaget.")
    return redirect("statement_edit", pk=statement.pk)


@login_required
def statement_preview(request: HttpRequest, pk: int) -> HttpResponse:
    statement = permissions.get_statement(request.user, pk)
    return render(
        request,
        "remiss/statement_preview.html",
        {"statement": statement, **_document_context(statement)},
    )


@login_required
def statement_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """The versions, newest first, VERSIONS_PER_PAGE at a time: every save makes one, so a
    statement worked on for weeks has hundreds, and the page's work stays that of one page (200
    versions on one page took 47 ms). Comparing takes any two numbers (the compare page)."""
    statement = permissions.get_statement(request.user, pk)
    page = Paginator(
        statement.versions.select_related("author").defer("content").order_by("-number"),
        VERSIONS_PER_PAGE,
    ).get_page(request.GET.get("sida"))
    return render(
        request,
        "remiss/statement_versions.html",
        {
            "statement": statement,
            "page": page,
            "can_restore": "restore" in permissions.allowed_actions(request.user, statement),
        },
    )


VERSIONS_PER_PAGE = 50


@login_required
def statement_compare(request: HttpRequest, pk: int) -> HttpResponse:
    statement = permissions.get_statement(request.user, pk)
    chosen = [
        numbers.parse(request.GET.get(name), maximum=numbers.VERSION_MAX)
        for name in ("fran", "till")
    ]
    if None in chosen:
        messages.error(request, "Välj två versioner att jämföra.")
        return redirect("statement_versions", pk=statement.pk)
    chosen = sorted(set(chosen))
    versions = {
        v.number: v for v in statement.versions.select_related("author").filter(number__in=chosen)
    }
    if len(chosen) != 2 or len(versions) != 2:
        messages.error(request, "Välj två olika versioner som finns.")
        return redirect("statement_versions", pk=statement.pk)
    old, new = versions[chosen[0]], versions[chosen[1]]
    return render(
        request,
        "remiss/statement_compare.html",
        {
            "statement": statement,
            "old": old,
            "new": new,
            "parts": compare.compare(old.content, new.content),
        },
    )


@require_POST
@login_required
def statement_restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    statement = permissions.get_statement(request.user, pk)
    base_version = numbers.parse(request.POST.get("base_version"), maximum=numbers.VERSION_MAX)
    if base_version is None:
        base_version = -1  # refused as stale, with the message to look again
    try:
        restored = drafting.restore_version(
            statement=statement, user=request.user, number=number, base_version=base_version
        )
    except drafting.StaleVersion as stale:
        messages.error(
            request,
            f"Utlåtandet har sparats igen (version {stale.current.number}) sedan du öppnade "
            "listan. Titta på den nya versionen innan du återställer.",
        )
        return redirect("statement_versions", pk=statement.pk)
    except drafting.DraftingError as error:
        messages.error(request, str(error))
        return redirect("statement_versions", pk=statement.pk)
    messages.success(
        request, f"Version {number} är återställd och sparad som version {restored.version}."
    )
    return redirect("statement_versions", pk=statement.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = permissions.get_attachment(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("Filen saknas i arkivet.") from None
    extension = attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else ""
    filename = attachment.original_name or (
        f"{attachment.title}.{extension}" if extension else attachment.title
    )
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=attachment.content_type
    )
