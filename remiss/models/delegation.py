"""Delegationsordning and delegationsbeslut (KL 6 kap. 37–40 §§): who may decide for the nämnd,
and the decisions taken that way, reported (anmälda) to the nämnd at a later meeting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from remiss.models.organisations import Membership, Organisation
from remiss.models.remisses import Recipient


class Delegation(models.Model):
    """Delegationsordning: one rule of the nämnd's, that holders of `role` may answer the
    remisses the sender marked "får besvaras på delegation", and decline to answer."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="delegations", verbose_name="nämnd"
    )
    role = models.CharField(
        "delegat",
        max_length=30,
        choices=Membership.Role.choices,
        default=Membership.Role.HEAD_OF_ADMINISTRATION,
    )
    scope = models.CharField(
        "omfattning",
        max_length=300,
        default="Remisser som remittenten markerat får besvaras på delegation, och att avstå.",
    )
    reference = models.CharField(
        "punkt i delegationsordningen", max_length=60, blank=True, help_text="Till exempel 1.4."
    )
    adopted_on = models.DateField("beslutad av nämnden", null=True, blank=True)

    class Meta:
        verbose_name = "delegation"
        verbose_name_plural = "delegationsordning"
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "role"], name="delegation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_role_display()}"


class DelegatedDecision(models.Model):
    """Delegationsbeslut: a decision the delegate took for the nämnd (a reply, or to decline),
    to be reported (anmält) at the nämnd's next meeting under "Anmälan av delegationsbeslut"."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Remissvar på delegation"
        DECLINE = "decline", "Avstår från att svara"

    recipient = models.ForeignKey(
        Recipient,
        on_delete=models.PROTECT,
        related_name="delegated_decisions",
        verbose_name="remissinstans",
    )
    kind = models.CharField("beslut", max_length=20, choices=Kind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="delegat"
    )
    delegate_name = models.CharField("delegatens namn", max_length=200)
    delegate_title = models.CharField("delegatens titel", max_length=200, blank=True)
    decided_at = models.DateTimeField("beslutat", default=timezone.now)
    text = models.TextField("beslut")
    reported_at = models.ForeignKey(
        "remiss.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegated_decisions",
        verbose_name="anmält i paragraf",
    )

    class Meta:
        verbose_name = "delegationsbeslut"
        verbose_name_plural = "delegationsbeslut"
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reply", "decline"]), name="delegated_decision_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.recipient}"
