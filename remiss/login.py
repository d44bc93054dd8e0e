"""Logging in, with throttling by account (inloggningsspärr).

After LOGIN_MAX_FAILURES failed attempts for one user name within LOGIN_FAILURE_WINDOW_MINUTES,
further attempts for that name are refused without checking the password, until the window has
passed or the person logs in. Two rules make that hold under pressure:

- Only the account is the target, never the address. An office behind one NAT shares one
  address: counting by address let twenty colleagues' typos (or one guesser) lock every correct
  password out of the whole office. The address is still recorded with each failure, for the
  admin to see.
- The count is atomic. Each attempt reserves its place before the password is checked: the
  account's row is locked (SELECT ... FOR UPDATE; on SQLite every transaction takes the write
  lock when it begins), the failures are counted, and the attempt is written as a failure; only
  then is the password checked, and a correct one clears the account's failures. So twenty
  simultaneous guesses get at most LOGIN_MAX_FAILURES passwords checked, not whatever number
  happened to count before any had failed.

django-axes was considered: it records a failure from the user_login_failed signal, after the
password has been checked, so simultaneous guesses are all checked before any is counted (the
race above), and its lockouts by address would need configuring away. The database-backed
throttle here is a few lines and does exactly what is needed.
"""

import datetime

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from remiss.models import LoginFailure
from remiss.numbers import text


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def reserve_attempt(*, username: str, address: str | None) -> bool:
    """Count an attempt for the user name as failed before its password is checked; False if
    the name already has LOGIN_MAX_FAILURES failures in the window (then nothing is written)."""
    since = timezone.now() - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    with transaction.atomic():
        # One attempt at a time per account: the others wait here, then count this one.
        list(
            get_user_model()
            .objects.select_for_update()
            .filter(**{f"{get_user_model().USERNAME_FIELD}__iexact": username})
            .values_list("pk", flat=True)
        )
        failures = LoginFailure.objects.filter(at__gte=since, username__iexact=username).count()
        if failures >= settings.LOGIN_MAX_FAILURES:
            return False
        LoginFailure.objects.create(username=username, address=address)
    LoginFailure.objects.filter(at__lt=since - datetime.timedelta(days=1)).delete()
    return True


class ThrottleMixin:
    """For an authentication form: refuse while the account has too many failed attempts."""

    def clean(self):
        username = text(self.data.get("username")).strip()[:150]
        address = client_address(self.request) if self.request else None
        if username and not reserve_attempt(username=username, address=address):
            raise ValidationError(
                f"För många misslyckade inloggningsförsök. Vänta "
                f"{settings.LOGIN_FAILURE_WINDOW_MINUTES} minuter och försök igen.",
                code="throttled",
            )
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # A successful login clears the user name's failures, the reserved attempt included.
        LoginFailure.objects.filter(username__iexact=user.get_username()).delete()


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True
