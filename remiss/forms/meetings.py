"""Forms for meetings and decisions. They validate input; the workflow records it."""

from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory

from remiss import workflow
from remiss.forms.dates import DateField, DateInput
from remiss.forms.statements import LIST_LIMITS, ErrorLink, error_links
from remiss.models import (
    Decision,
    Meeting,
    MeetingProposal,
    Membership,
    Seat,
    Statement,
    VoteChoice,
)
from remiss.models.meetings import CASTING_CHOICES, tally

Role = Membership.Role
COUNCIL_ROLES = [Role.CHAIR, Role.JUSTIFIER, Role.MEMBER, Role.SUBSTITUTE]
PLAIN = {"label_suffix": ""}


def _normalised(text: str) -> str:
    """Line ends as the statement stores them (a browser posts CRLF)."""
    return text.replace("\r\n", "\n").strip()


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
    """Nytt sammanträde: when and where. Attendance, chair and justerare come later."""

    class Meta:
        model = Meeting
        fields = ["date", "starts_at", "place", "open"]
        widgets = {
            "date": DateInput,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        field_classes = {"date": DateField}

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["date"].required = True


class MeetingDetailsForm(forms.ModelForm):
    """Ändra sammanträdet: date, time, place and the rest, with the reason."""

    reason = forms.CharField(
        label="Skäl till ändringen",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Sparas i händelseloggen med de gamla uppgifterna.",
    )

    class Meta:
        model = Meeting
        fields = [
            "date",
            "starts_at",
            "place",
            "open",
            "other_participants",
            "justification_place",
            "justification_date",
        ]
        widgets = {
            "date": DateInput,
            "justification_date": DateInput,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "other_participants": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"date": DateField, "justification_date": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["date"].required = True

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


ABSENT, SERVING, PRESENT = "absent", "serving", "present"


class AttendanceForm(forms.Form):
    """Närvaro: for every seat of the term, absent, serving or present without serving; for an
    ersättare, the ledamot they serve for; for anyone, from and until which paragraph. Then the
    chair, in which capacity, and the justerare."""

    chair = PersonChoiceField(label="Ordförande", queryset=None, empty_label="– välj –")
    chair_capacity = forms.ChoiceField(
        label="Ordförande i egenskap av", choices=Meeting.ChairCapacity.choices
    )
    justifiers = PeopleChoiceField(
        label="Justerare",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tjänstgörande ledamöter; de justerar protokollet med ordföranden.",
    )
    reason = forms.CharField(
        label="Skäl till ändringen",
        required=False,
        max_length=2000,
        help_text="Krävs när närvaron redan är registrerad.",
    )

    def __init__(self, *args, seats, items, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.seats = list(seats)
        people = get_user_model().objects.filter(pk__in=[s.person_id for s in self.seats])
        self.fields["chair"].queryset = people.order_by("last_name")
        self.fields["justifiers"].queryset = people.order_by("last_name")
        members = [s for s in self.seats if s.kind == Seat.Kind.MEMBER]
        item_choices = [("", "–")] + [(i.pk, f"§ {i.number} {i.title}"[:60]) for i in items]
        for seat in self.seats:
            label = f"{seat.name} ({seat.party}), {seat.label.lower()}"
            substitute = seat.kind == Seat.Kind.SUBSTITUTE
            self.fields[f"seat_{seat.pk}"] = forms.ChoiceField(
                label=label,
                choices=[
                    (ABSENT, "Frånvarande"),
                    (SERVING, "Tjänstgör"),
                    (PRESENT, "Närvarande, tjänstgör inte"),
                ],
                initial=ABSENT if substitute else SERVING,
                widget=forms.Select,
            )
            if substitute:
                self.fields[f"replaces_{seat.pk}"] = forms.ChoiceField(
                    label=f"{seat.name} tjänstgör för",
                    choices=[("", "–")] + [(m.pk, f"{m.name} ({m.party})") for m in members],
                    required=False,
                )
            self.fields[f"arrives_{seat.pk}"] = forms.ChoiceField(
                label=f"{seat.name} kommer till", choices=item_choices, required=False
            )
            self.fields[f"leaves_{seat.pk}"] = forms.ChoiceField(
                label=f"{seat.name} går efter", choices=item_choices, required=False
            )

    def rows_by_seat(self):
        """For the template: each seat with its fields."""
        for seat in self.seats:
            yield {
                "seat": seat,
                "status": self[f"seat_{seat.pk}"],
                "replaces": self[f"replaces_{seat.pk}"]
                if seat.kind == Seat.Kind.SUBSTITUTE
                else None,
                "arrives": self[f"arrives_{seat.pk}"],
                "leaves": self[f"leaves_{seat.pk}"],
            }

    def clean(self):
        data = super().clean()
        for seat in self.seats:
            if (
                seat.kind == Seat.Kind.SUBSTITUTE
                and data.get(f"seat_{seat.pk}") == SERVING
                and not data.get(f"replaces_{seat.pk}")
            ):
                self.add_error(
                    f"replaces_{seat.pk}", "Välj vilken ledamot ersättaren tjänstgör för."
                )
        return data

    def rows(self) -> list:
        data = self.cleaned_data
        rows = []
        for seat in self.seats:
            status = data[f"seat_{seat.pk}"]
            if status == ABSENT:
                continue
            rows.append(
                workflow.AttendanceRow(
                    user_id=seat.person_id,
                    serving=status == SERVING,
                    replaces=int(data.get(f"replaces_{seat.pk}") or 0) or None,
                    arrives_at=int(data.get(f"arrives_{seat.pk}") or 0) or None,
                    leaves_after=int(data.get(f"leaves_{seat.pk}") or 0) or None,
                )
            )
        return rows

    @staticmethod
    def initial_for(meeting, seats) -> dict:
        present = {a.user_id: a for a in meeting.attendance.all()}
        initial = {
            "chair": meeting.chair_id,
            "chair_capacity": meeting.chair_capacity,
            "justifiers": list(meeting.justifiers.values_list("pk", flat=True)),
        }
        if not present:
            return initial
        for seat in seats:
            a = present.get(seat.person_id)
            initial[f"seat_{seat.pk}"] = ABSENT if a is None else SERVING if a.serving else PRESENT
            if a is not None:
                initial[f"replaces_{seat.pk}"] = a.replaces_id or ""
                initial[f"arrives_{seat.pk}"] = a.arrives_at_id or ""
                initial[f"leaves_{seat.pk}"] = a.leaves_after_id or ""
        return initial


class RecusalForm(forms.Form):
    """Jäv i en paragraf: who leaves it, and the ersättare who steps in (if any)."""

    member = forms.TypedChoiceField(label="Jävig ledamot", coerce=int)
    substitute = forms.TypedChoiceField(
        label="Ersättare som tjänstgör i stället", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, serving, substitutes, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["member"].choices = [("", "– välj –")] + [(p.user_id, p.label) for p in serving]
        self.fields["substitute"].choices = [("", "– ingen –")] + [
            (a.user_id, f"{a.user.get_full_name()} ({a.seat.party})") for a in substitutes
        ]


class MoveItemForm(forms.Form):
    position = forms.IntegerField(label="Ny plats (§)", min_value=1, max_value=999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Skäl", max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})


class ReservationReasonForm(forms.Form):
    reason = forms.CharField(
        label="Skriftlig motivering", max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})


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
    next_step = forms.ChoiceField(
        label="Vid avslag utan eget yttrande: vad händer med svaret?",
        choices=[
            ("", "– inget avslag utan eget yttrande –"),
            *Decision._meta.get_field("next_step").choices,
        ],
        required=False,
        help_text=(
            "Inget skickas till remittenten. Nämnden svarar senare (utlåtandet går tillbaka "
            "till förvaltningen), begär anstånd, eller avstår med skäl."
        ),
    )
    next_step_reason = forms.CharField(
        label="Varför nämnden avstår från att svara",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
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
        self.statement = item.statement
        if self.statement is not None:
            # Bifall med ändringar: the nämnd's wording, written over the administration's.
            self.fields["amend_proposals"] = forms.CharField(
                label="Förslag till beslut, i nämndens lydelse (ett förslag per rad)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=20_000,
                initial="\n".join(self.statement.proposals),
            )
            headings = dict(Statement.SECTIONS, views=self.statement.views_heading)
            for field, heading in headings.items():
                self.fields[f"amend_{field}"] = forms.CharField(
                    label=f"{heading}, i nämndens lydelse",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 6}),
                    max_length=200_000,
                    initial=getattr(self.statement, field),
                )
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
        if outcome == Decision.Outcome.ADOPTED_WITH_CHANGES:
            if self.statement is None and not data.get("changes", "").strip():
                self.add_error("changes", "Skriv vilka ändringar nämnden beslutade.")
            if self.statement is not None and not self.amendments():
                self.add_error(
                    "amend_proposals",
                    "Skriv nämndens ändrade lydelse i minst ett avsnitt eller i förslagen.",
                )
        if data.get("next_step") == "decline" and not data.get("next_step_reason", "").strip():
            self.add_error("next_step_reason", "Skriv skälet till att nämnden avstår.")
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

    def amendment_fields(self):
        return [self[name] for name in self.fields if name.startswith("amend_")]

    def amendments(self) -> dict:
        """The parts whose wording the nämnd changed: what differs from the statement."""
        if self.statement is None:
            return {}
        data = getattr(self, "cleaned_data", {})
        changed: dict = {}
        for name in self.fields:
            if not name.startswith("amend_"):
                continue
            field = name.removeprefix("amend_")
            text = _normalised(data.get(name, ""))
            if field == "proposals":
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                if lines and lines != list(self.statement.proposals):
                    changed[field] = lines
            elif text.strip() and text != _normalised(getattr(self.statement, field)):
                changed[field] = text
        return changed

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
    adopted = forms.BooleanField(
        label="Nämnden antog yrkandets text som sitt yttrande (vid avslag)", required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("adopted") and not data.get("text", "").strip():
            self.add_error("text", "Skriv yttrandets text, som nämnden antog.")
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


class ReservationRowForm(forms.Form):
    """One reservation: a serving member who took part, chosen from the attendance (KL 4 kap.
    27 §), and the written reasons if already given."""

    member = forms.TypedChoiceField(
        label="Reserverar sig", coerce=int, required=False, empty_value=None
    )
    text = forms.CharField(
        label="Motivering",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, serving=(), **kwargs):
        super().__init__(*args, **{**PLAIN, **kwargs})
        self.fields["member"].choices = [("", "– välj –")] + [(p.user_id, p.label) for p in serving]

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("member"):
            self.add_error("member", "Välj vem som reserverar sig.")
        return data


ProposalFormSet = formset_factory(ProposalRowForm, extra=1, **LIST_LIMITS)
ReservationFormSet = formset_factory(ReservationRowForm, extra=1, **LIST_LIMITS)
NamedTextFormSet = formset_factory(NamedTextForm, extra=1, **LIST_LIMITS)


class _Voter:
    """A serving participant as the vote's fields want a person: pk and a name."""

    def __init__(self, participant):
        self.pk = participant.user_id
        self.label = participant.label

    def get_full_name(self) -> str:
        return self.label

    def get_username(self) -> str:
        return self.label


class DecisionEditor:
    """The decision form with its lists: proposals, reservations, statements, notes."""

    def __init__(self, item, serving, data=None, initial=None, lists=None):
        """`serving`: council.serving_on(item), who may vote and reserve; `lists`: the initial
        rows of the formsets (when a recorded decision is corrected)."""
        lists = lists or {}
        self.item = item
        self.form = DecisionForm(
            data, item=item, voters=[_Voter(p) for p in serving], initial=initial
        )
        self.proposals = ProposalFormSet(
            data, prefix="yrkanden", form_kwargs=PLAIN, initial=lists.get("proposals")
        )
        self.reservations = ReservationFormSet(
            data,
            prefix="reservationer",
            form_kwargs={"serving": serving},
            initial=lists.get("reservations"),
        )
        self.special_statements = NamedTextFormSet(
            data, prefix="uttalanden", form_kwargs=PLAIN, initial=lists.get("special_statements")
        )
        self.notes = NamedTextFormSet(
            data, prefix="anteckningar", form_kwargs=PLAIN, initial=lists.get("notes")
        )

    @property
    def parts(self):
        return [self.form, self.proposals, self.reservations, self.special_statements, self.notes]

    def is_valid(self) -> bool:
        valid = all([part.is_valid() for part in self.parts])
        if valid:
            adopted = [f for f in self.proposals.forms if f.cleaned_data.get("adopted")]
            if len(adopted) > 1:
                self.form.add_error(None, "Nämnden antar högst ett yrkandes text som yttrande.")
                return False
        return valid

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
        kept = [form for form in self.proposals.forms if form.cleaned_data.get("mover", "").strip()]
        adopted = [n for n, form in enumerate(kept) if form.cleaned_data.get("adopted")]
        outcome = data["outcome"]
        return workflow.DecisionRecord(
            outcome=outcome,
            text=data["text"].strip(),
            changes=data.get("changes", "").strip(),
            immediate=data.get("immediate", False),
            amendments=self.form.amendments()
            if outcome == Decision.Outcome.ADOPTED_WITH_CHANGES
            else {},
            reply_proposal=adopted[0] if adopted else None,
            next_step=data.get("next_step", "") if outcome == Decision.Outcome.REJECTED else "",
            next_step_reason=data.get("next_step_reason", ""),
            proposals=[
                (
                    form.cleaned_data["mover"].strip(),
                    form.cleaned_data["kind"],
                    form.cleaned_data.get("text", "").strip(),
                )
                for form in kept
            ],
            vote=vote,
            reservations=[
                (form.cleaned_data["member"], form.cleaned_data.get("text", "").strip())
                for form in self.reservations.forms
                if form.cleaned_data.get("member")
            ],
            special_statements=self._pairs(self.special_statements, "by", "text"),
            notes=self._pairs(self.notes, "by", "text"),
            table_to=data.get("table_to"),
        )


class CorrectionEditor(DecisionEditor):
    """The decision form again, filled in with the recorded decision, and the reason for the
    correction."""

    def __init__(self, decision, serving, data=None):
        vote = getattr(decision, "vote", None)
        initial = {
            "outcome": decision.outcome,
            "text": decision.text,
            "changes": decision.changes,
            "immediate": decision.immediate,
            "next_step": decision.next_step,
            "next_step_reason": decision.next_step_reason,
        }
        for name, text in decision.amendments.items():
            initial[f"amend_{name}"] = "\n".join(text) if isinstance(text, list) else text
        if vote is not None:
            initial |= {
                "has_vote": True,
                "proposition": vote.proposition,
                "casting_vote": vote.casting_vote,
                **{f"ballot_{b.member_id}": b.choice for b in vote.ballots.all()},
            }
        lists = {
            "proposals": [
                {"mover": p.mover, "kind": p.kind, "text": p.text, "adopted": p.adopted_as_reply}
                for p in decision.proposals.all()
            ],
            "reservations": [
                {"member": r.person_id, "text": r.reason}
                for r in decision.reservations.all()
                if r.person_id
            ],
            "special_statements": [
                {"by": x.by, "text": x.text} for x in decision.special_statements.all()
            ],
            "notes": [{"by": x.by, "text": x.text} for x in decision.notes.all()],
        }
        super().__init__(decision.item, serving, data, initial=initial, lists=lists)
        self.reason = ReasonForm(data, prefix="rattelse")

    @property
    def parts(self):
        return [*super().parts, self.reason]

    def error_links(self) -> list[ErrorLink]:
        links = super().error_links()
        return links + error_links(forms=[self.reason], formsets=[])
