"""Twenty guesses for one account at the same moment: at most LOGIN_MAX_FAILURES of them get
their password checked (the count is atomic). Runs on PostgreSQL and on SQLite."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from remiss.models import LoginFailure
from tests.test_security import CountingHasher

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_simultaneous_guesses_for_one_account_get_at_most_the_limit_checked(
    handlaggare, settings
):
    settings.PASSWORD_HASHERS = ["tests.test_security.CountingHasher"]
    handlaggare.set_password("demo")
    handlaggare.save()
    CountingHasher.checked = 0
    barrier = threading.Barrier(20)
    statuses = []

    def guess(number):
        client = Client()
        barrier.wait()
        try:
            response = client.post(
                reverse("login"), {"username": "handlaggare", "password": f"gissning{number}"}
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * 20  # every guess answered with the login page, none a 500
    assert CountingHasher.checked == settings.LOGIN_MAX_FAILURES
    assert (
        LoginFailure.objects.filter(username="handlaggare").count() == settings.LOGIN_MAX_FAILURES
    )
