"""Word in and out: Importera tjänsteutlåtande (read a file, review, save) and Ladda ner som
Word. Small views: scoped lookup, form, service, redirect (STYLE.md §7)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from remiss import permissions, word
from remiss.drafting import reference_line_for
from remiss.forms.importing import (
    FIELD_LABELS,
    INFO_LABELS,
    PART_LABELS,
    ImportReviewForm,
    ImportUploadForm,
)
from remiss.forms.statements import error_links
from remiss.importing import saving
from remiss.importing.structure import ImportedStatement
from remiss.models import Membership, Statement, StatementImport


@login_required
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = permissions.get_recipient(request.user, pk)
    try:
        saving.check_can_import(recipient, request.user)
    except saving.ImportRefused as error:
        messages.error(request, str(error))
        return redirect("recipient", pk=recipient.pk)
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            pending = saving.keep_pending(recipient=recipient, user=request.user, read=form.read)
            return redirect("import_review", pk=recipient.pk, import_pk=pending.pk)
    statement = Statement.objects.filter(recipient=recipient).first()
    return render(
        request,
        "remiss/import_upload.html",
        {"recipient": recipient, "form": form, "statement": statement},
    )


@login_required
def import_review(request: HttpRequest, pk: int, import_pk: int) -> HttpResponse:
    """What the importer recognised, beside the original text; nothing is saved until Spara."""
    recipient = permissions.get_recipient(request.user, pk)
    if not permissions.can_write(request.user, recipient.organisation_id):
        raise PermissionDenied("Din roll ger inte behörighet att läsa in tjänsteutlåtanden.")
    pending = get_object_or_404(
        StatementImport,
        pk=import_pk,
        recipient=recipient,
        uploaded_by=request.user,
        statement__isnull=True,
    )
    recognised = ImportedStatement.from_json(pending.recognised)
    defaults = _defaults(recipient, request.user)
    form = ImportReviewForm(recognised=recognised, defaults=defaults)
    if request.method == "POST":
        form = ImportReviewForm(request.POST, recognised=recognised, defaults=defaults)
        if form.is_valid():
            statement = Statement.objects.filter(recipient=recipient).first()
            steps = (
                [(s.kind, s.who, s.date) for s in statement.preparation_steps.all()]
                if statement
                else []
            )
            programme = recipient.remiss.programme
            text = form.text(
                focus_areas=list(programme.focus_areas.all()) if programme else [],
                preparation_steps=steps,
            )
            try:
                saved = saving.confirm(pending=pending, user=request.user, text=text)
            except saving.ImportRefused as error:
                messages.error(request, str(error))
                return redirect("recipient", pk=recipient.pk)
            messages.success(
                request,
                f"Det inlästa utlåtandet är sparat som version {saved.version}. "
                f"Originalfilen ({pending.original_name}) finns kvar under Inlästa filer.",
            )
            return redirect("statement", pk=saved.pk)
    return render(
        request,
        "remiss/import_review.html",
        {
            "recipient": recipient,
            "pending": pending,
            "recognised": recognised,
            "form": form,
            "field_rows": [(form[name], recognised.fields.get(name)) for name in FIELD_LABELS],
            "info_rows": [
                (label, recognised.fields[name])
                for name, label in INFO_LABELS.items()
                if name in recognised.fields
            ],
            "part_labels": PART_LABELS,
            "error_links": error_links(forms=[form], formsets=[]) if form.is_bound else [],
        },
    )


def _defaults(recipient, user) -> dict:
    """What the portal would fill in itself, for a field the document did not have."""
    membership = (
        Membership.objects.filter(user=user, organisation_id=recipient.organisation_id)
        .exclude(phone="")
        .first()
    )
    return {
        "title": recipient.remiss.title,
        "reference_line": reference_line_for(recipient),
        "addressed_to": recipient.organisation.name,
        "date": timezone.localdate().isoformat(),
        "phone": membership.phone if membership else "",
    }


@login_required
def import_original(request: HttpRequest, pk: int, import_pk: int) -> HttpResponse:
    """The file a saved import was read from, for everyone who reads the statement."""
    statement = permissions.get_statement(request.user, pk)
    kept = get_object_or_404(StatementImport, pk=import_pk, statement=statement)
    try:
        handle = kept.file.open("rb")
    except FileNotFoundError:
        raise Http404("Filen saknas i arkivet.") from None
    return FileResponse(
        handle, as_attachment=True, filename=kept.original_name, content_type=kept.content_type
    )


@login_required
def statement_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """Ladda ner som Word: the statement as it stands now, in the city's layout."""
    statement = permissions.get_statement(request.user, pk)
    response = HttpResponse(word.statement_docx(statement), content_type=word.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{word.filename(statement)}"'
    return response
