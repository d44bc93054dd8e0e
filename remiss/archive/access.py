"""Who may export a case to the e-arkiv: the registrator, who hands records to the archive;
for a recipient's case also the nämndsekreterare (where no registrator is appointed), for the
remiss round also the remissamordnare. Outside the organisation the case does not exist (404);
a member without the role gets 403."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from remiss.models import Membership, Recipient, Remiss
from remiss.permissions import member_organisations, roles_in

Role = Membership.Role
RECIPIENT_ROLES = frozenset({Role.REGISTRAR, Role.SECRETARY})
SENDER_ROLES = frozenset({Role.REGISTRAR, Role.REMISS_COORDINATOR})


def may_export_recipient(user: AbstractBaseUser, recipient: Recipient) -> bool:
    return bool(roles_in(user, recipient.organisation_id) & RECIPIENT_ROLES)


def may_export_remiss(user: AbstractBaseUser, remiss: Remiss) -> bool:
    return bool(roles_in(user, remiss.sender_id) & SENDER_ROLES)


def get_recipient(user: AbstractBaseUser, pk: int) -> Recipient:
    try:
        recipient = Recipient.objects.get(pk=pk, organisation_id__in=member_organisations(user))
    except Recipient.DoesNotExist:
        raise Http404("Ärendet finns inte.") from None
    if not may_export_recipient(user, recipient):
        raise PermissionDenied("Bara registratorn eller nämndsekreteraren exporterar ärendet.")
    return recipient


def get_remiss(user: AbstractBaseUser, pk: int) -> Remiss:
    try:
        remiss = Remiss.objects.get(pk=pk, sender_id__in=member_organisations(user))
    except Remiss.DoesNotExist:
        raise Http404("Remissen finns inte.") from None
    if not may_export_remiss(user, remiss):
        raise PermissionDenied("Bara registratorn eller remissamordnaren exporterar remissen.")
    return remiss
