"""Forms for the sender: a new remiss, an extension request and its answer. Validation only."""

from django import forms
from django.conf import settings
from django.utils import timezone

from programs.models import Programme
from remiss.forms.dates import DateField, DateInput
from remiss.forms.statements import MARKUP_HELP
from remiss.models import Organisation, ReceivedReply, Remiss
from remiss.models.organisations import OUTSIDE_KINDS
from remiss.models.remisses import SubjectKind
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
            "reference",
            "subject_kind",
            "subject_number",
            "subject_mover",
            "subject_party",
        ]
        field_classes = {"deadline": DateField}
        widgets = {
            "deadline": DateInput,
            "description": forms.Textarea(attrs={"rows": 6}),
            "title": forms.TextInput(attrs={"class": "input--wide"}),
        }
        help_texts = {"description": MARKUP_HELP}
        labels = {"subject_kind": "Remissen gäller"}

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
        self.fields["subject_kind"].choices = [("", "– inget särskilt –"), *SubjectKind.choices]

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
        subject = [data.get(name) for name in ("subject_number", "subject_mover", "subject_party")]
        if data.get("subject_kind") and not data.get("subject_mover"):
            self.add_error("subject_mover", "Skriv vem som har lämnat motionen eller förslaget.")
        elif any(subject) and not data.get("subject_kind"):
            self.add_error("subject_kind", "Välj motion eller medborgarförslag.")
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


def _checked_file(form: forms.Form, name: str = "file"):
    upload = form.cleaned_data.get(name)
    if not upload:
        return None
    return upload, check_upload(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)


class ChangeRemissForm(forms.Form):
    """Ändra en skickad remiss: its text, and a new document."""

    title = forms.CharField(
        label="Rubrik", max_length=300, widget=forms.TextInput(attrs={"class": "input--wide"})
    )
    description = forms.CharField(
        label="Beskrivning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKUP_HELP,
    )
    file = forms.FileField(
        label="Ny remisshandling",
        required=False,
        help_text="Läggs till bland remissens handlingar; de tidigare finns kvar.",
    )
    attachment_title = forms.CharField(
        label="Handlingens rubrik",
        required=False,
        max_length=300,
        help_text="Lämna tomt för att använda filens namn.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})

    def clean_file(self):
        return _checked_file(self)


class AddRecipientsForm(forms.Form):
    recipients = OrganisationChoices(
        label="Nya remissinstanser",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Välj minst en remissinstans att lägga till."},
    )

    def __init__(self, *args, remiss: Remiss, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["recipients"].queryset = (
            Organisation.objects.valid_on(timezone.localdate())
            .exclude(pk=remiss.sender_id)
            .exclude(received__remiss=remiss)
            .order_by("kind", "name")
        )


class RecallForm(forms.Form):
    reason = forms.CharField(
        label="Skäl till återkallelsen",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Skriv varför remissen återkallas."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})


class RegisterReplyForm(forms.Form):
    """Registrera ett svar som kom per post eller e-post."""

    file = forms.FileField(
        label="Svaret",
        help_text="Det inkomna svaret, inskannat eller som det kom: PDF, Word, ODT eller Excel.",
        error_messages={"required": "Välj filen med svaret."},
    )
    received_on = DateField(label="Inkom den")
    channel = forms.ChoiceField(
        label="Inkom",
        choices=[
            (ReceivedReply.Channel.POST, ReceivedReply.Channel.POST.label),
            (ReceivedReply.Channel.EMAIL, ReceivedReply.Channel.EMAIL.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anteckning (frivillig)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})

    def clean_file(self):
        return _checked_file(self)


class LinkReplyForm(forms.Form):
    """The outside instans sends its reply through its personal link."""

    file = forms.FileField(
        label="Ert svar",
        help_text="PDF, Word, OpenDocument-text eller Excel. Svaret blir en allmän handling.",
        error_messages={"required": "Välj filen med ert svar."},
    )
    name = forms.CharField(
        label="Ert namn",
        max_length=200,
        help_text="Den som skickar svaret för organisationen.",
        error_messages={"required": "Skriv ert namn."},
    )
    note = forms.CharField(
        label="Meddelande (frivilligt)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})

    def clean_file(self):
        return _checked_file(self)


class IncomingRemissForm(forms.Form):
    """Registrera en inkommen remiss (från ett departement, en region, en myndighet)."""

    remittent = forms.ModelChoiceField(
        label="Remittent",
        queryset=Organisation.objects.none(),
        empty_label="– välj –",
        help_text="Den som skickade remissen, till exempel Finansdepartementet.",
    )
    registration_number = forms.CharField(
        label="Remittentens diarienummer", max_length=60, help_text="Till exempel Fi2025/01234."
    )
    reference = forms.CharField(
        label="Beteckning",
        max_length=60,
        required=False,
        help_text="Till exempel SOU 2025:12 eller Ds 2025:3.",
    )
    title = forms.CharField(
        label="Rubrik", max_length=300, widget=forms.TextInput(attrs={"class": "input--wide"})
    )
    description = forms.CharField(
        label="Beskrivning", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    received_on = DateField(label="Inkom den")
    deadline = DateField(label="Remittentens svarsdatum")
    own_number = forms.CharField(
        label="Vårt diarienummer", max_length=60, help_text="Till exempel KS 2025/456."
    )
    file = forms.FileField(label="Remisshandling", required=False)
    attachment_title = forms.CharField(label="Handlingens rubrik", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["remittent"].queryset = Organisation.objects.filter(
            kind__in=sorted(OUTSIDE_KINDS)
        ).order_by("name")

    def clean_file(self):
        return _checked_file(self)


class ForwardForm(forms.Form):
    """Skicka en remiss utifrån vidare till nämnder och bolag."""

    registration_number = forms.CharField(
        label="Diarienummer för remissen", max_length=60, help_text="Till exempel KS 2025/456."
    )
    deadline = DateField(label="Svarsdatum för nämnderna")
    description = forms.CharField(
        label="Beskrivning", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recipients = OrganisationChoices(
        label="Remissinstanser",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Välj minst en remissinstans."},
    )

    def __init__(self, *args, sender: Organisation, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["recipients"].queryset = (
            Organisation.objects.valid_on(timezone.localdate())
            .exclude(pk=sender.pk)
            .order_by("kind", "name")
        )
