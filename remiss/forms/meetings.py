"""Forms for meetings and decisions. They validate input; the workflow records it."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory

from remiss import workflow
from remiss.forms.dates import DateField, DateInput
from remiss.forms.statements import LIST_LIMITS, ErrorLink, error_links
from remiss.models import Decision, Meeting, MeetingProposal, Membership, Statement, VoteChoice
from remiss.models.meetings import CASTING_CHOICES, tally

Role = Membership.Role
COUNCIL_ROLES = [Role.CHAIR, Role.JUSTIFIER, Role.MEMBER, Role.SUBSTITUTE]
PLAIN = {"label_suffix": ""}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


def council_people(organisation):
    return (
        get_user_model()
        .objects.filter(memberships__organisation=organisation, memberships__role__in=COUNCIL_ROLES)
        .distinct()
        .order_by("last_name", "first_name")
    )


class MeetingForm(forms.ModelForm):
    attendance = PeopleChoiceField(
        label="Tjänstgörande ledamöter och ersättare",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="De som deltar i besluten; bara de kan rösta.",
    )

    class Meta:
        model = Meeting
        fields = ["date", "starts_at", "place", "chair", "justifiers"]
        widgets = {
            "date": DateInput,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "justifiers": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "date": DateField,
            "chair": PersonChoiceField,
            "justifiers": PeopleChoiceField,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        people = council_people(organisation)
        self.fields["chair"].queryset = people
        self.fields["chair"].required = True
        self.fields["chair"].empty_label = "– välj ordförande –"
        self.fields["justifiers"].queryset = people
        self.fields["justifiers"].required = True
        self.fields["justifiers"].help_text = "Justerar protokollet tillsammans med ordföranden."
        self.fields["attendance"].queryset = people
        self.fields["date"].required = True

    def clean(self):
        data = super().clean()
        chair, justifiers = data.get("chair"), data.get("justifiers") or []
        if chair and chair in justifiers:
            self.add_error("justifiers", "Ordföranden justerar redan; välj andra justerare.")
        return data


class AgendaStatementForm(forms.Form):
    statement = forms.ModelChoiceField(
        label="Signerat tjänsteutlåtande", queryset=None, empty_label="– välj utlåtande –"
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["statement"].queryset = Statement.objects.filter(
            recipient__organisation=organisation, status=Statement.Status.READY
        ).select_related("recipient__remiss")


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Annan punkt", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Beslut", choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Beslutstext", widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )
    changes = forms.CharField(
        label="Ändringar",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="När nämnden bifaller med ändringar: den ändrade texten.",
        max_length=20_000,
    )
    immediate = forms.BooleanField(
        label="Paragrafen justeras omedelbart",
        required=False,
        help_text="Ordföranden och justerarna justerar paragrafen vid sammanträdet.",
    )
    table_to = forms.ModelChoiceField(
        label="Bordläggs till sammanträdet",
        queryset=None,
        required=False,
        empty_label="– välj sammanträde –",
    )
    has_vote = forms.BooleanField(label="Votering begärdes", required=False)
    proposition = forms.CharField(
        label="Propositionsordning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Vad ja och nej står för.",
        max_length=2000,
    )
    casting_vote = forms.ChoiceField(
        label="Ordförandens utslagsröst vid lika röstetal",
        choices=[("", "– ingen –"), *CASTING_CHOICES],
        required=False,
    )

    def __init__(self, *args, item, voters, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        meeting = item.meeting
        self.voters = list(voters)
        self.fields["table_to"].queryset = Meeting.objects.filter(
            organisation_id=meeting.organisation_id,
            date__gt=meeting.date,
            minutes_justified_on__isnull=True,
        )
        for voter in self.voters:
            self.fields[f"ballot_{voter.pk}"] = forms.ChoiceField(
                label=voter.get_full_name() or voter.get_username(),
                choices=[("", "– röstar inte –"), *VoteChoice.choices],
                required=False,
            )

    def ballot_fields(self):
        return [self[f"ballot_{voter.pk}"] for voter in self.voters]

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Decision.Outcome.ADOPTED_WITH_CHANGES and not data.get("changes", "").strip():
            self.add_error("changes", "Skriv vilka ändringar nämnden beslutade.")
        if outcome == Decision.Outcome.TABLED and not data.get("table_to"):
            self.add_error("table_to", "Välj det sammanträde ärendet bordläggs till.")
        if data.get("has_vote"):
            ballots = self.ballots()
            if not data.get("proposition", "").strip():
                self.add_error("proposition", "Skriv vad ja och nej står för.")
            if not ballots:
                self.add_error("has_vote", "Ange hur de tjänstgörande röstade.")
            counts = tally(ballots.values())
            if (
                ballots
                and counts[VoteChoice.YES] == counts[VoteChoice.NO]
                and not data.get("casting_vote")
            ):
                self.add_error("casting_vote", "Lika röstetal: ange ordförandens utslagsröst.")
        return data

    def ballots(self) -> dict[int, str]:
        return {
            voter.pk: self.cleaned_data[f"ballot_{voter.pk}"]
            for voter in self.voters
            if self.cleaned_data.get(f"ballot_{voter.pk}")
        }


class ProposalRowForm(forms.Form):
    mover = forms.CharField(label="Yrkande av", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Yrkande",
        required=False,
        choices=[("", "– välj –"), *MeetingProposal.Kind.choices],
    )
    text = forms.CharField(
        label="Text", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("mover", "").strip() and not data.get("kind"):
            self.add_error("kind", "Välj vad yrkandet gäller.")
        if data.get("kind") and not data.get("mover", "").strip():
            self.add_error("mover", "Skriv vem som yrkade.")
        return data


class NamedTextForm(forms.Form):
    """One reservation, special statement or protocol note: who, and the text."""

    by = forms.CharField(label="Av", required=False, max_length=300)
    text = forms.CharField(
        label="Text", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("by", "").strip():
            self.add_error("by", "Skriv vem det gäller.")
        return data


ProposalFormSet = formset_factory(ProposalRowForm, extra=1, **LIST_LIMITS)
NamedTextFormSet = formset_factory(NamedTextForm, extra=1, **LIST_LIMITS)


class DecisionEditor:
    """The decision form with its lists: proposals, reservations, statements, notes."""

    def __init__(self, item, voters, data=None, initial=None):
        self.item = item
        self.form = DecisionForm(data, item=item, voters=voters, initial=initial)
        self.proposals = ProposalFormSet(data, prefix="yrkanden", form_kwargs=PLAIN)
        self.reservations = NamedTextFormSet(data, prefix="reservationer", form_kwargs=PLAIN)
        self.special_statements = NamedTextFormSet(data, prefix="uttalanden", form_kwargs=PLAIN)
        self.notes = NamedTextFormSet(data, prefix="anteckningar", form_kwargs=PLAIN)

    @property
    def parts(self):
        return [self.form, self.proposals, self.reservations, self.special_statements, self.notes]

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.parts])

    def error_links(self) -> list[ErrorLink]:
        return error_links(
            forms=[self.form],
            formsets=[
                ("Yrkanden", self.proposals),
                ("Reservationer", self.reservations),
                ("Särskilda uttalanden", self.special_statements),
                ("Protokollsanteckningar", self.notes),
            ],
        )

    @staticmethod
    def _pairs(formset, first: str, second: str) -> list[tuple[str, str]]:
        return [
            (form.cleaned_data[first].strip(), form.cleaned_data[second].strip())
            for form in formset.forms
            if form.cleaned_data.get(first, "").strip()
        ]

    def record(self) -> workflow.DecisionRecord:
        data = self.form.cleaned_data
        vote = None
        if data.get("has_vote"):
            vote = workflow.VoteRecord(
                proposition=data["proposition"].strip(),
                ballots=self.form.ballots(),
                casting_vote=data.get("casting_vote", ""),
            )
        return workflow.DecisionRecord(
            outcome=data["outcome"],
            text=data["text"].strip(),
            changes=data.get("changes", "").strip(),
            immediate=data.get("immediate", False),
            proposals=[
                (
                    form.cleaned_data["mover"].strip(),
                    form.cleaned_data["kind"],
                    form.cleaned_data.get("text", "").strip(),
                )
                for form in self.proposals.forms
                if form.cleaned_data.get("mover", "").strip()
            ],
            vote=vote,
            reservations=self._pairs(self.reservations, "by", "text"),
            special_statements=self._pairs(self.special_statements, "by", "text"),
            notes=self._pairs(self.notes, "by", "text"),
            table_to=data.get("table_to"),
        )
