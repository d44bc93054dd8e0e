"""Who is logged in: the person of each request is read from the database every time, by SQL
built once (remiss.login.PersonBackend), with the same answers as Django's ModelBackend."""

import datetime

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from remiss.login import OLD_BACKEND, PERSON_BACKEND, PersonBackend

pytestmark = pytest.mark.django_db


def test_the_person_is_read_field_for_field_as_django_reads_them(handlaggare):
    handlaggare.last_login = timezone.now() - datetime.timedelta(days=3)
    handlaggare.first_name = "Åsa"
    handlaggare.save()
    ours = PersonBackend().get_user(str(handlaggare.pk))
    djangos = ModelBackend().get_user(str(handlaggare.pk))
    fields = [field.attname for field in type(handlaggare)._meta.concrete_fields]
    assert [getattr(ours, name) for name in fields] == [getattr(djangos, name) for name in fields]
    assert ours.last_login.tzinfo is not None  # aware, as the ORM gives it, on SQLite too
    assert ours._state.db == "default" and not ours._state.adding


def test_nobody_for_an_id_that_is_gone_or_no_id_at_all(handlaggare):
    backend = PersonBackend()
    assert backend.get_user(handlaggare.pk + 1000) is None
    assert backend.get_user("inte-ett-id") is None


def test_the_person_is_one_query_built_once(handlaggare):
    backend = PersonBackend()
    backend.get_user(handlaggare.pk)
    with CaptureQueriesContext(connection) as queries:
        assert backend.get_user(handlaggare.pk) == handlaggare
    assert len(queries) == 1
    assert "default" in PersonBackend._reads  # the SQL, built at the first request


def test_a_deactivated_person_is_logged_out_at_the_next_request(client, handlaggare):
    client.force_login(handlaggare)
    assert client.get(reverse("start")).status_code == 200
    handlaggare.is_active = False
    handlaggare.save(update_fields=["is_active"])
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_removed_is_logged_out_at_the_next_request(client, sodermalm):
    from tests.conftest import make_user

    person = make_user("tillfallig", sodermalm, "case_officer")
    client.force_login(person)
    assert client.get(reverse("start")).status_code == 200
    person.memberships.all().delete()
    person.delete()
    assert client.get(reverse("start")).status_code == 302


def test_logging_in_names_the_new_backend(client, handlaggare):
    response = client.post(reverse("login"), {"username": "handlaggare", "password": "demo"})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == PERSON_BACKEND


def test_a_session_from_before_the_upgrade_stays_logged_in(client, handlaggare):
    """Sessions begun before PersonBackend name Django's ModelBackend; nobody is logged out by
    the upgrade, and the session moves to the new backend."""
    client.force_login(handlaggare, backend=OLD_BACKEND)
    assert client.session[BACKEND_SESSION_KEY] == OLD_BACKEND
    assert client.get(reverse("start")).status_code == 200
    assert client.session[BACKEND_SESSION_KEY] == PERSON_BACKEND
    assert client.get(reverse("start")).status_code == 200
