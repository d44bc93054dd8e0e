"""Forms for drafting the tjänsteutlåtande: they validate input and nothing more
(docs/style.md §8)."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from remiss.drafting import SECTION_FIELDS, StatementText
from remiss.forms.dates import DateField, DateInput
from remiss.models import PreparationStep, Statement
from remiss.numbers import VERSION_MAX
from remiss.uploads import check_upload, format_size

SECTION_MAX_LENGTH = 100_000
MARKUP_HELP = (
    "Tom rad mellan stycken. *kursiv*, **fet**, listor med 1. eller -, "
    "länkar som [text](https://exempel.se)."
)


class StatementForm(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX)

    class Meta:
        model = Statement
        fields = ["title", "reference_line", "addressed_to", "date", "phone", *SECTION_FIELDS]
        field_classes = {"date": DateField}
        widgets = {
            "date": DateInput,
            "title": forms.TextInput(attrs={"class": "input--wide"}),
            "reference_line": forms.TextInput(attrs={"class": "input--wide"}),
            **{name: forms.Textarea(attrs={"rows": 8}) for name in SECTION_FIELDS},
        }
        help_texts = {name: MARKUP_HELP for name in SECTION_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference_line"].required = True
        self.fields["views"].label = self.instance.views_heading
        for name in SECTION_FIELDS:
            self.fields[name].max_length = SECTION_MAX_LENGTH
            self.fields[name].validators.append(_max_length(SECTION_MAX_LENGTH))


def _max_length(limit: int):
    def validate(value: str) -> None:
        if len(value) > limit:
            raise ValidationError(
                f"Texten är {len(value)} tecken lång; högst {limit} tecken får plats."
            )

    return validate


class ProposalForm(forms.Form):
    text = forms.CharField(
        label="Förslag", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BaseProposalFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not proposals_in_order(self):
            raise ValidationError("Skriv minst ett förslag till beslut.")


def proposals_in_order(formset) -> list[str]:
    kept = [
        form
        for form in formset.forms
        if form.cleaned_data.get("text", "").strip() and not form.cleaned_data.get("DELETE")
    ]
    kept.sort(key=lambda f: (f.cleaned_data.get("ORDER") or 10_000, formset.forms.index(f)))
    return [form.cleaned_data["text"].strip() for form in kept]


# Bounded lists: a forged TOTAL_FORMS must not make the server build thousands of forms.
LIST_LIMITS = {"max_num": 50, "absolute_max": 60, "validate_max": True}

ProposalFormSet = formset_factory(
    ProposalForm,
    formset=BaseProposalFormSet,
    extra=1,
    can_order=True,
    can_delete=True,
    **LIST_LIMITS,
)


class FocusAreaViewForm(forms.Form):
    focus_area = forms.ModelChoiceField(
        label="Fokusområde", queryset=None, required=False, empty_label="– välj fokusområde –"
    )
    text = forms.CharField(
        label="Synpunkter",
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKUP_HELP,
    )

    def __init__(self, *args, focus_areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = focus_areas

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if data.get("text", "").strip() and not data.get("focus_area"):
            self.add_error("focus_area", "Välj vilket fokusområde synpunkterna gäller.")
        if data.get("focus_area") and not data.get("text", "").strip():
            self.add_error("text", "Skriv synpunkterna, eller ta bort fokusområdet.")
        return data


class BaseFocusAreaViewFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            area = form.cleaned_data.get("focus_area")
            if area and not form.cleaned_data.get("DELETE"):
                if area in seen:
                    form.add_error(
                        "focus_area",
                        f"”{area}” finns redan; samla synpunkterna på det området i en ruta.",
                    )
                seen.add(area)


FocusAreaViewFormSet = formset_factory(
    FocusAreaViewForm, formset=BaseFocusAreaViewFormSet, extra=1, can_delete=True, **LIST_LIMITS
)


class PreparationStepForm(forms.Form):
    kind = forms.ChoiceField(
        label="Typ",
        required=False,
        choices=[("", "– välj typ –"), *PreparationStep.Kind.choices],
    )
    who = forms.CharField(label="Vem", required=False, max_length=300)
    date = DateField(label="Datum", required=False)

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if data.get("who", "").strip() and not data.get("kind"):
            self.add_error("kind", "Välj vilken sorts beredning det var.")
        if data.get("kind") and not data.get("who", "").strip():
            self.add_error("who", "Skriv vem som beredde ärendet.")
        return data


PreparationStepFormSet = formset_factory(
    PreparationStepForm, extra=1, can_delete=True, **LIST_LIMITS
)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Ny bilaga",
        required=False,
        help_text="PDF, Word (DOCX), OpenDocument-text (ODT) eller Excel (XLSX).",
    )
    attachment_title = forms.CharField(
        label="Bilagans rubrik",
        required=False,
        max_length=300,
        help_text="Lämna tomt för att använda filens namn.",
    )
    remove = forms.MultipleChoiceField(
        label="Ta bort bilagor", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(str(a.pk), a.title) for a in attachments]
        self.fields["file"].help_text += f" Högst {format_size(settings.ATTACHMENT_MAX_BYTES)}."

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        return upload, check_upload(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)


@dataclass
class ErrorLink:
    anchor: str
    message: str


def error_links(*, forms, formsets) -> list[ErrorLink]:
    """The error summary's links: one per error, each to its field (WCAG 3.3.1)."""
    links = []
    for form in forms:
        for name, errors in form.errors.items():
            field = form[name] if name in form.fields else None
            for error in errors:
                label = field.label if field else ""
                anchor = field.id_for_label if field else ""
                links.append(ErrorLink(anchor, f"{label}: {error}" if label else error))
    for title, formset in formsets:
        for error in formset.non_form_errors():
            links.append(ErrorLink(f"{formset.prefix}-lista", f"{title}: {error}"))
        for number, form in enumerate(formset.forms, start=1):
            for name, errors in form.errors.items():
                for error in errors:
                    label = form[name].label.lower()
                    links.append(
                        ErrorLink(
                            form[name].id_for_label, f"{title}, rad {number}, {label}: {error}"
                        )
                    )
    return links


class StatementEditor:
    """The whole drafting form: the statement's fields, three formsets and the attachments."""

    def __init__(self, statement: Statement, data=None, files=None):
        self.statement = statement
        programme = statement.recipient.remiss.programme
        focus_areas = programme.focus_areas.all() if programme else _no_focus_areas()
        views = list(statement.focus_area_views.select_related("focus_area"))
        initial = {
            "proposals": [
                {"text": text, "ORDER": number}
                for number, text in enumerate(statement.proposals, start=1)
            ],
            "views": [{"focus_area": view.focus_area, "text": view.text} for view in views],
            "steps": [
                {"kind": step.kind, "who": step.who, "date": step.date}
                for step in statement.preparation_steps.all()
            ],
        }
        if data is not None:  # a bound form takes everything from the data
            initial = {key: None for key in initial}
        plain = {"label_suffix": ""}  # labels without a colon, as on every page of the portal
        self.form = StatementForm(
            data, instance=statement, initial={"base_version": statement.version}, **plain
        )
        self.proposals = ProposalFormSet(
            data, prefix="proposals", initial=initial["proposals"], form_kwargs=plain
        )
        self.views = FocusAreaViewFormSet(
            data,
            prefix="focusviews",
            form_kwargs={"focus_areas": focus_areas, **plain},
            initial=initial["views"],
        )
        self.steps = PreparationStepFormSet(
            data, prefix="steps", initial=initial["steps"], form_kwargs=plain
        )
        self.attachments = list(statement.attachments.all())
        self.attachment_form = AttachmentForm(data, files, attachments=self.attachments, **plain)

    @property
    def parts(self):
        return [self.form, self.proposals, self.views, self.steps, self.attachment_form]

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.parts])

    def error_links(self) -> list[ErrorLink]:
        return error_links(
            forms=[self.form, self.attachment_form],
            formsets=[
                ("Förslag till beslut", self.proposals),
                ("Synpunkter per fokusområde", self.views),
                ("Ärendets beredning", self.steps),
            ],
        )

    def text(self) -> StatementText:
        data = self.form.cleaned_data
        return StatementText(
            title=data["title"],
            reference_line=data["reference_line"],
            addressed_to=data["addressed_to"],
            date=data["date"],
            phone=data["phone"],
            sections={name: data[name].strip() for name in SECTION_FIELDS},
            proposals=proposals_in_order(self.proposals),
            focus_area_views=[
                (form.cleaned_data["focus_area"], form.cleaned_data["text"].strip())
                for form in self.views.forms
                if form.cleaned_data.get("focus_area") and not form.cleaned_data.get("DELETE")
            ],
            preparation_steps=self.preparation_steps(),
        )

    def preparation_steps(self) -> list[tuple[str, str, object]]:
        """The steps as entered (the steps formset must be valid): kind, who, date."""
        return [
            (
                form.cleaned_data["kind"],
                form.cleaned_data["who"].strip(),
                form.cleaned_data.get("date"),
            )
            for form in self.steps.forms
            if form.cleaned_data.get("kind") and not form.cleaned_data.get("DELETE")
        ]

    @property
    def base_version(self) -> int:
        return self.form.cleaned_data["base_version"]

    def uploads(self):
        checked = self.attachment_form.cleaned_data.get("file")
        if not checked:
            return []
        upload, result = checked
        return [(result, upload, self.attachment_form.cleaned_data["attachment_title"].strip())]

    def removals(self) -> list[int]:
        return [int(pk) for pk in self.attachment_form.cleaned_data.get("remove", [])]


def _no_focus_areas():
    from programs.models import FocusArea

    return FocusArea.objects.none()
