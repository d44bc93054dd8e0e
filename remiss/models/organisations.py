"""Organisations (nämnder, styrelser) and the roles people hold in them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from remiss.history import HistoricalRecords


class OrganisationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "OrganisationQuerySet":
        """Organisations that exist on `day` and so may receive a remiss sent that day."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class MembershipQuerySet(models.QuerySet):
    def organisations_of(self, user) -> "models.QuerySet":
        """The organisations the person holds any role in, as a subquery (none for the
        anonymous): the root of every "visible to" rule."""
        if not getattr(user, "is_authenticated", False):
            return self.none().values("organisation_id")
        return self.filter(user=user).values("organisation_id")

    def served_by(self, user) -> "models.QuerySet":
        """The organisations the person serves as an official (any role but the elected
        members' ones), as a subquery: they see the administration's drafts."""
        return self.organisations_of(user).exclude(role__in=COUNCIL_ROLES)

    def sat_in_by(self, user) -> "models.QuerySet":
        """The organisations the person sits in as an elected member (ledamot, ersättare, and
        the chair and justerare, who are ledamöter too), as a subquery."""
        return self.organisations_of(user).filter(role__in=COUNCIL_ROLES)


class Organisation(models.Model):
    """Nämnd eller styrelse: a political body, served by its förvaltning (administration)."""

    class Kind(models.TextChoices):
        EXECUTIVE_BOARD = "executive_board", "Kommunstyrelse"
        DISTRICT_COUNCIL = "district_council", "Stadsdelsnämnd"
        SPECIALIST_BOARD = "specialist_board", "Facknämnd"
        MUNICIPAL_FEDERATION = "municipal_federation", "Kommunalförbund"
        COMPANY_BOARD = "company_board", "Bolagsstyrelse"
        # Outside the municipality: no accounts in the portal, reached by e-mail.
        REGION = "region", "Region eller landsting"
        STATE_AUTHORITY = "state_authority", "Statlig myndighet"
        ASSOCIATION = "association", "Förening eller organisation"
        COMPANY = "company", "Företag"

    kind = models.CharField("typ", max_length=30, choices=Kind.choices)
    name = models.CharField("namn", max_length=200, unique=True)
    administration = models.CharField(
        "förvaltning",
        max_length=200,
        blank=True,
        help_text="Förvaltningen eller kontoret som bereder nämndens ärenden.",
    )
    registry_prefix = models.CharField(
        "diarieprefix",
        max_length=12,
        blank=True,
        help_text="Prefixet i förvaltningens diarienummer, till exempel SÖD.",
    )
    valid_from = models.DateField("giltig från")
    valid_to = models.DateField(
        "giltig till och med", null=True, blank=True, help_text="Tomt om organisationen finns kvar."
    )
    usual_justification_days = models.PositiveSmallIntegerField(
        "protokollet justeras normalt inom (dagar)",
        default=7,
        help_text="Används för att varna när ett svarsdatum kommer före den vanliga justeringen.",
    )
    contact_email = models.EmailField(
        "kontaktadress (e-post)",
        blank=True,
        help_text="För en remissinstans utanför kommunen: dit remissen och länken att svara "
        "skickas. För en remittent utanför kommunen: dit kommunens svar expedieras.",
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name="efterträdare",
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="organisation_validity_ordered",
                violation_error_message="Giltig till kan inte ligga före giltig från.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_outside(self) -> bool:
        """Utomstående: a body outside the municipality (region, myndighet, förening, företag),
        with no accounts in the portal."""
        return self.kind in OUTSIDE_KINDS

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def council_word(self) -> str:
        """How the body names itself in a proposal: "Stadsdelsnämnden", "Nämnden", ..."""
        words: dict[str, str] = {
            self.Kind.EXECUTIVE_BOARD: "Kommunstyrelsen",
            self.Kind.DISTRICT_COUNCIL: "Stadsdelsnämnden",
            self.Kind.MUNICIPAL_FEDERATION: "Direktionen",
            self.Kind.COMPANY_BOARD: "Styrelsen",
        }
        return words.get(self.kind, "Nämnden")


OUTSIDE_KINDS = frozenset(
    {
        Organisation.Kind.REGION,
        Organisation.Kind.STATE_AUTHORITY,
        Organisation.Kind.ASSOCIATION,
        Organisation.Kind.COMPANY,
    }
)


class Membership(models.Model):
    """Roll i en organisation: a person holds a role in one organisation, not globally."""

    class Role(models.TextChoices):
        REMISS_COORDINATOR = "remiss_coordinator", "Remissamordnare"
        REGISTRAR = "registrar", "Registrator"
        CASE_OFFICER = "case_officer", "Handläggare"
        HEAD_OF_ADMINISTRATION = "head_of_administration", "Förvaltningschef"
        SECRETARY = "secretary", "Nämndsekreterare"
        CHAIR = "chair", "Ordförande"
        JUSTIFIER = "justifier", "Justerare"
        MEMBER = "member", "Ledamot"
        SUBSTITUTE = "substitute", "Ersättare"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="person",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="organisation",
    )
    role = models.CharField("roll", max_length=30, choices=Role.choices)
    title = models.CharField(
        "titel", max_length=120, blank=True, help_text="Till exempel Stadsdelsdirektör."
    )
    phone = models.CharField("telefon", max_length=40, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "roll"
        verbose_name_plural = "roller"
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="membership_unique_role",
                violation_error_message="Personen har redan den rollen i organisationen.",
            ),
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}, {self.get_role_display()} ({self.organisation})"


# The elected members' roles: they see the administration's statement only once it is on an
# issued agenda (kallelse utfärdad), never while it is drafted.
COUNCIL_ROLES = (
    Membership.Role.MEMBER,
    Membership.Role.SUBSTITUTE,
    Membership.Role.CHAIR,
    Membership.Role.JUSTIFIER,
)
