"""Fresh confirmation of identity for justering (docs/signing.md).

The chair and every justerare justify for themselves, and each time they confirm anew that it
is they who sign: being logged in is not enough. How that is confirmed is a signing backend,
chosen by the JUSTIFICATION_BACKEND setting: `PasswordBackend` (re-enter the password) is the
one the
portal ships; a BankID, Freja eID or SITHS backend implements the same protocol and is named in
the setting, and nothing in the workflow changes.

A backend answers one question: given what the person sent from the signing page, is this the
person, now, agreeing to this text (its SHA-256)? It returns a `Confirmation`, which the
workflow requires before it records a signature, or raises `SigningError` with a Swedish
message, and nothing is signed.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from remiss import login
from remiss.models import LoginFailure

# How long a confirmation is good for: the workflow records the signature in the same request.
FRESH_FOR = datetime.timedelta(minutes=5)


class SigningError(Exception):
    """The person's identity was not confirmed; the message says why, in Swedish."""


@dataclass(frozen=True)
class Confirmation:
    """What a backend attests: this person confirmed their identity now, to sign this text."""

    user_id: int
    method: str  # the backend's name: "password", "bankid", …
    sha256: str  # the text the person agreed to sign
    confirmed_at: datetime.datetime
    reference: str = ""  # the backend's own reference (a BankID order, a certificate serial)

    def is_fresh(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) - self.confirmed_at <= FRESH_FOR


class SigningBackend(Protocol):
    """One way of confirming a person's identity at the moment of signing."""

    name: str  # stored with each signature
    label: str  # what the signing page calls it, in Swedish
    template_name: str  # the fields of the signing form, included by the signing page

    def confirm(
        self,
        *,
        request: HttpRequest | None,
        user: AbstractBaseUser,
        data: Mapping[str, Any],
        sha256: str,
    ) -> Confirmation:
        """Confirm that `user` is the one signing the text whose SHA-256 is `sha256`, from the
        signing form's `data`; raise SigningError otherwise."""
        ...


class PasswordBackend:
    """Re-enter the password of one's own account. Wrong passwords count against the same
    throttle as logging in (remiss.login), so the signing page is no way round it."""

    name = "password"
    label = "Lösenord"
    template_name = "signing/password.html"

    def confirm(
        self,
        *,
        request: HttpRequest | None,
        user: AbstractBaseUser,
        data: Mapping[str, Any],
        sha256: str,
    ) -> Confirmation:
        password = data.get("password") or ""
        if not isinstance(password, str) or not password:
            raise SigningError("Skriv ditt lösenord för att bekräfta att det är du som justerar.")
        username = user.get_username()
        address = login.client_address(request) if request is not None else None
        if not login.reserve_attempt(username=username, address=address):
            raise SigningError(
                "För många felaktiga lösenord. Vänta "
                f"{settings.LOGIN_FAILURE_WINDOW_MINUTES} minuter och försök igen."
            )
        if not user.check_password(password):
            raise SigningError("Lösenordet stämmer inte. Ingenting är justerat.")
        with transaction.atomic():
            LoginFailure.objects.filter(username__iexact=username).delete()
        return Confirmation(
            user_id=user.pk, method=self.name, sha256=sha256, confirmed_at=timezone.now()
        )


def backend() -> SigningBackend:
    """The backend the JUSTIFICATION_BACKEND setting names."""
    return import_string(settings.JUSTIFICATION_BACKEND)()
