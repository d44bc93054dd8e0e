"""Forms for importing a tjänsteutlåtande: the file, then the review of what was recognised."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from remiss import importing
from remiss.drafting import StatementText
from remiss.forms.dates import DateField
from remiss.importing.structure import UNPLACED, ImportedStatement, fold
from remiss.models import Statement

SKIP = "skip"
PART_CHOICES = [
    *Statement.SECTIONS,
    (UNPLACED, "Ej placerad text"),
    (SKIP, "Ta inte med"),
]
PART_LABELS = dict(PART_CHOICES)
FIELD_LABELS = {
    "title": "Rubrik",
    "reference_line": "Referensrad",
    "addressed_to": "Till",
    "date": "Datum",
    "phone": "Telefon",
}
INFO_LABELS = {
    "case_officer": "Handläggare i dokumentet",
    "dnr": "Dnr i dokumentet",
    "administration": "Förvaltning i dokumentet",
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Dokument",
        allow_empty_file=True,  # refused by read_upload, with the portal's own message
        help_text="Word (DOCX), OpenDocument (ODT), PDF med text eller en textfil, högst 20 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,.odt,.pdf,.txt,text/plain,application/pdf"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.read = importing.read_upload(upload)
        except ValidationError as error:
            raise ValidationError(error.messages[0], code=getattr(error, "code", None)) from None
        return upload


class ImportReviewForm(forms.Form):
    """The recognised fields to correct, and each paragraph's section to choose."""

    title = forms.CharField(label="Rubrik", max_length=300)
    reference_line = forms.CharField(label="Referensrad", max_length=300)
    addressed_to = forms.CharField(label="Till", max_length=200)
    date = DateField(label="Datum")
    phone = forms.CharField(label="Telefon", max_length=40, required=False)
    proposals = forms.CharField(
        label="Förslag till beslut",
        help_text="Ett förslag per rad, i ordning.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
    )

    def __init__(self, *args, recognised: ImportedStatement, defaults: dict, **kwargs):
        self.recognised = recognised
        initial = {name: recognised.value(name) or defaults.get(name, "") for name in FIELD_LABELS}
        initial["proposals"] = "\n".join(recognised.proposals)
        for index, paragraph in enumerate(recognised.paragraphs):
            initial[f"part_{index}"] = paragraph.part
        super().__init__(*args, initial=initial, **kwargs)
        for index, paragraph in enumerate(recognised.paragraphs):
            self.fields[f"part_{index}"] = forms.ChoiceField(
                label=f"Avsnitt för stycke {index + 1}", choices=PART_CHOICES
            )
            self.fields[f"part_{index}"].paragraph = paragraph

    def paragraph_fields(self):
        return [self[f"part_{index}"] for index in range(len(self.recognised.paragraphs))]

    def clean(self):
        data = super().clean()
        unplaced = [
            index + 1
            for index in range(len(self.recognised.paragraphs))
            if data.get(f"part_{index}") == UNPLACED
        ]
        if unplaced:
            numbers = ", ".join(str(n) for n in unplaced)
            raise ValidationError(
                f"Stycke {numbers} har inget avsnitt (Ej placerad text). Välj ett avsnitt för "
                "varje sådant stycke, eller ”Ta inte med”, och spara igen."
            )
        if not self.proposal_list(data.get("proposals", "")):
            self.add_error("proposals", "Skriv minst ett förslag till beslut.")
        return data

    @staticmethod
    def proposal_list(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def text(self, *, focus_areas: list, preparation_steps: list) -> StatementText:
        """The reviewed statement. The views per focus area are matched to the programme's
        focus areas by their heading; one that matches none is kept at the end of the views."""
        data = self.cleaned_data
        sections = {
            key: "\n\n".join(
                paragraph.text
                for index, paragraph in enumerate(self.recognised.paragraphs)
                if data[f"part_{index}"] == key
            )
            for key, _ in Statement.SECTIONS
        }
        by_heading = {}
        for area in focus_areas:
            by_heading[fold(str(area))] = area
            by_heading[fold(area.title)] = area
        views = []
        for heading, body in self.recognised.focus_areas:
            area = by_heading.get(fold(heading))
            if area is not None and all(area != chosen for chosen, _ in views):
                views.append((area, body))
            else:
                sections["views"] = f"{sections['views']}\n\n{heading}\n\n{body}".strip()
        return StatementText(
            title=data["title"].strip(),
            reference_line=data["reference_line"].strip(),
            addressed_to=data["addressed_to"].strip(),
            date=data["date"],
            phone=data["phone"].strip(),
            sections=sections,
            proposals=self.proposal_list(data["proposals"]),
            focus_area_views=views,
            preparation_steps=preparation_steps,
        )
