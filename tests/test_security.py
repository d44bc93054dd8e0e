"""Security: headers, the Content-Security-Policy, sessions, login throttling."""

import threading

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from remiss.models import LoginFailure
from tests.conftest import move_url

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_strict_content_security_policy(client, handlaggare, started):
    client.force_login(handlaggare)

    for url in [
        reverse("login"),
        reverse("start"),
        reverse("statement_edit", args=[started.pk]),
        reverse("admin:index"),
    ]:
        policy = client.get(url).headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, url
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, url


def test_pages_carry_no_inline_script_or_style(client, handlaggare, started, admin_user):
    """What the policy forbids must not be needed: no <script> without src, no style=."""
    import re

    client.force_login(handlaggare)
    pages = [
        reverse("start"),
        reverse("statement", args=[started.pk]),
        reverse("statement_edit", args=[started.pk]),
        reverse("recipient", args=[started.recipient_id]),
    ]
    client.logout()
    pages_anonymous = [reverse("login"), reverse("public_remisses")]
    client.force_login(handlaggare)
    for url in pages:
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body), url
        assert " style=" not in body, url
    client.logout()
    for url in pages_anonymous:
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url


def test_security_headers(client):
    response = client.get(reverse("login"))

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_logged_in_pages_and_files_are_never_stored_by_the_browser(client, handlaggare, started):
    client.force_login(handlaggare)

    for url in (
        reverse("start"),
        reverse("statement", args=[started.pk]),
        reverse("statement_edit", args=[started.pk]),
        reverse("statement", args=[started.pk + 1000]),  # a 404 too
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control, url
        assert "private" in cache_control, url


def test_the_session_ends_after_the_idle_time_and_is_renewed_every_few_minutes_not_per_request(
    settings, client, handlaggare, monkeypatch
):
    """The idle timeout holds without a session write on every request: a request renews the
    session (a fresh cookie and expiry) only when the last renewal is five minutes old."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from remiss import middleware

    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert middleware.renewal_interval_seconds() == 300
    clock = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    client.force_login(handlaggare)

    first = client.get(reverse("start"))  # the first request after login renews
    assert first.cookies["sessionid"]["max-age"] == 3600
    assert first.cookies["sessionid"]["httponly"]

    clock[0] += 299
    with CaptureQueriesContext(connection) as captured:
        soon = client.get(reverse("start"))
    assert "sessionid" not in soon.cookies
    assert not [q for q in captured if "django_session" in q["sql"] and "SELECT" not in q["sql"]]

    clock[0] += 2
    later = client.get(reverse("start"))
    assert later.cookies["sessionid"]["max-age"] == 3600
    assert later.wsgi_request.session.get_expiry_age() == 3600


def test_an_anonymous_visit_creates_no_session(client):
    assert "sessionid" not in client.get(reverse("public_remisses")).cookies


def test_forms_refuse_a_post_without_csrf_token(handlaggare, started):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(handlaggare)

    response = client.post(move_url(started.pk, "lamna-till-granskning"))

    assert response.status_code == 403
    started.refresh_from_db()
    assert started.status == "draft"


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher (fast, for tests), counting the passwords it checks."""

    checked = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checked += 1
        return super().verify(password, encoded)


class TestLoginThrottling:
    def attempt(self, client, password):
        return client.post(reverse("login"), {"username": "handlaggare", "password": password})

    def test_after_five_failures_even_the_right_password_is_refused_for_a_while(
        self, client, handlaggare, settings
    ):
        for _ in range(5):
            self.attempt(client, "fel")

        response = self.attempt(client, "demo")

        assert (
            "För många misslyckade inloggningsförsök. Vänta 15 minuter" in response.content.decode()
        )
        assert "_auth_user_id" not in client.session
        assert LoginFailure.objects.filter(username="handlaggare").count() == 5

    def test_the_window_passes(self, client, handlaggare):
        import datetime

        from django.utils import timezone

        for _ in range(5):
            self.attempt(client, "fel")
        LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))

        self.attempt(client, "demo")

        assert client.session["_auth_user_id"] == str(handlaggare.pk)
        assert LoginFailure.objects.filter(username="handlaggare").count() == 0

    def test_failures_by_others_behind_the_same_address_never_refuse_a_colleagues_right_password(
        self, client, handlaggare, direktor
    ):
        # An office behind one NAT: everyone has the same address.
        for number in range(20):
            client.post(
                reverse("login"),
                {"username": f"kollega{number % 4}", "password": "fel"},
                REMOTE_ADDR="192.0.2.10",
            )
        assert LoginFailure.objects.filter(address="192.0.2.10").count() == 20

        client.post(
            reverse("login"),
            {"username": direktor.username, "password": "demo"},
            REMOTE_ADDR="192.0.2.10",
        )

        assert client.session["_auth_user_id"] == str(direktor.pk)

    def test_a_refused_attempt_checks_no_password_and_writes_nothing(
        self, client, handlaggare, settings
    ):
        settings.PASSWORD_HASHERS = ["tests.test_security.CountingHasher"]
        handlaggare.set_password("demo")
        handlaggare.save()
        for _ in range(5):
            self.attempt(client, "fel")
        CountingHasher.checked = 0

        self.attempt(client, "demo")

        assert CountingHasher.checked == 0
        assert LoginFailure.objects.count() == 5

    def test_the_admin_login_is_throttled_too(self, client, admin_user):
        for _ in range(5):
            client.post(reverse("admin:login"), {"username": "admin", "password": "fel"})

        response = client.post(reverse("admin:login"), {"username": "admin", "password": "demo"})

        assert "För många misslyckade inloggningsförsök" in response.content.decode()
