"""Forms for the sender: a new remiss, an extension request and its answer. Validation only."""

from django import forms
from django.conf import settings
from django.utils import timezone

from programs.models import Programme
from remiss.forms.dates import DateField, DateInput
from remiss.forms.statements import MARKUP_HELP
from remiss.models import Organisation, Remiss
from remiss.uploads import check_upload, format_size

Kind = Organisation.Kind
PLAIN = {"label_suffix": ""}

GROUPS = {
    "district_councils": ("Alla stadsdelsnämnder", [Kind.DISTRICT_COUNCIL]),
    "specialist_boards": ("Alla facknämnder", [Kind.SPECIALIST_BOARD]),
    "outside": (
        "Externa remissinstanser (kommunalförbund, bolag)",
        [Kind.MUNICIPAL_FEDERATION, Kind.COMPANY_BOARD],
    ),
}


class OrganisationChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, organisation):
        return organisation.name


class SendRemissForm(forms.ModelForm):
    groups = forms.MultipleChoiceField(
        label="Grupper",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, label) for key, (label, _) in GROUPS.items()],
        help_text="Hela grupper av remissinstanser; kan kombineras med enskilda val nedan.",
    )
    recipients = OrganisationChoices(
        label="Enskilda remissinstanser",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Organisationer som finns i dag (sammanslagna nämnder under sina nya namn).",
    )
    file = forms.FileField(
        label="Remisshandling",
        required=False,
        help_text="Det som skickas på remiss: PDF, Word, OpenDocument-text eller Excel.",
    )
    attachment_title = forms.CharField(
        label="Remisshandlingens rubrik",
        required=False,
        max_length=300,
        help_text="Lämna tomt för att använda filens namn.",
    )

    class Meta:
        model = Remiss
        fields = [
            "registration_number",
            "title",
            "programme",
            "description",
            "deadline",
            "delegable",
        ]
        field_classes = {"deadline": DateField}
        widgets = {
            "deadline": DateInput,
            "description": forms.Textarea(attrs={"rows": 6}),
            "title": forms.TextInput(attrs={"class": "input--wide"}),
        }
        help_texts = {"description": MARKUP_HELP}

    def __init__(self, *args, sender: Organisation, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.sender = sender
        self.instance.sender = sender
        today = timezone.localdate()
        self.fields["recipients"].queryset = (
            Organisation.objects.valid_on(today).exclude(pk=sender.pk).order_by("kind", "name")
        )
        self.fields["programme"].queryset = Programme.objects.all()
        self.fields["programme"].empty_label = "– inget program –"
        self.fields["programme"].help_text = "Programmets fokusområden följer med remissen."
        self.fields[
            "deadline"
        ].help_text = "Ett svarsdatum på en lördag, söndag eller helgdag flyttas till nästa vardag."
        self.fields["file"].help_text += f" Högst {format_size(settings.ATTACHMENT_MAX_BYTES)}."

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError("Svarsdatum måste ligga efter i dag.")
        return deadline

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        return upload, check_upload(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)

    def clean(self):
        data = super().clean()
        chosen = set(data.get("recipients") or [])
        for key in data.get("groups") or []:
            chosen |= set(self.fields["recipients"].queryset.filter(kind__in=GROUPS[key][1]))
        if not chosen and not self.errors:
            self.add_error("recipients", "Välj minst en remissinstans, enskilt eller som grupp.")
        data["all_recipients"] = sorted(chosen, key=lambda org: org.name)
        return data

    def validate_unique(self):
        # The registration number is unique for the sender: say so on the field, in Swedish.
        number = self.cleaned_data.get("registration_number")
        if (
            number
            and Remiss.objects.filter(sender=self.sender, registration_number=number).exists()
        ):
            self.add_error(
                "registration_number", f"{self.sender} har redan en remiss med det diarienumret."
            )


class ExtensionRequestForm(forms.Form):
    deadline = DateField(label="Nytt svarsdatum")
    reason = forms.CharField(
        label="Skäl", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
