"""Logging in, with throttling: after too many failed attempts for a user name, or from one
address, further attempts are refused for a while, without even checking the password."""

import datetime

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from remiss.models import LoginFailure
from remiss.numbers import text


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ThrottleMixin:
    """For an authentication form: refuse while too many attempts have failed; record each
    failure."""

    def clean(self):
        username = text(self.data.get("username")).strip()[:150]
        address = client_address(self.request) if self.request else None
        since = timezone.now() - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
        recent = LoginFailure.objects.filter(at__gte=since)
        by_name = recent.filter(username__iexact=username).count() if username else 0
        by_address = recent.filter(address=address).count() if address else 0
        limit = settings.LOGIN_MAX_FAILURES
        if by_name >= limit or by_address >= limit * 4:
            raise ValidationError(
                f"För många misslyckade inloggningsförsök. Vänta "
                f"{settings.LOGIN_FAILURE_WINDOW_MINUTES} minuter och försök igen.",
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError:
            LoginFailure.objects.create(username=username, address=address)
            LoginFailure.objects.filter(at__lt=since - datetime.timedelta(days=1)).delete()
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # A successful login clears the user name's failures.
        LoginFailure.objects.filter(Q(username__iexact=user.get_username())).delete()


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True
