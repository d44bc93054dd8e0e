"""Reads: what a person may see, as querysets scoped to their organisations."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from remiss.models import Membership, Recipient, Remiss


def organisation_ids(user: AbstractBaseUser) -> QuerySet:
    """The organisations the person holds any role in, as a subquery."""
    return Membership.objects.filter(user=user).values("organisation_id")


def received_remisses(user: AbstractBaseUser) -> QuerySet[Recipient]:
    """Remisses the person's organisations have received: those still to answer first, each
    group by its deadline (an extension counts), soonest first."""
    return (
        Recipient.objects.filter(organisation_id__in=organisation_ids(user))
        .select_related("remiss__sender", "organisation", "statement")
        .annotate(
            open_first=Case(
                When(status=Recipient.Status.AWAITING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            effective_deadline=Coalesce("extended_deadline", "remiss__deadline"),
        )
        .order_by(
            "open_first", "effective_deadline", "remiss__registration_number", "organisation__name"
        )
    )


def sent_remisses(user: AbstractBaseUser) -> QuerySet[Remiss]:
    """Remisses the person's organisations have sent, with how many recipients have answered."""
    return (
        Remiss.objects.filter(sender_id__in=organisation_ids(user))
        .select_related("sender")
        .annotate(
            recipient_count=Count("recipients"),
            answered_count=Count(
                "recipients", filter=Q(recipients__status=Recipient.Status.DELIVERED)
            ),
        )
        .order_by("deadline", "registration_number")
    )
