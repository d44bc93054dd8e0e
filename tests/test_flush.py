"""The flush after a test that commits (tests/conftest.py): the next test meets empty tables,
and the content types and permissions that migrate made, with the same ids."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import TransactionTestCase

from remiss.models import Organisation


class Committing(TransactionTestCase):
    __test__ = False  # flushed below, not run
    databases = {"default"}

    def runTest(self):
        """Not run: the case is only flushed."""


@pytest.mark.django_db(transaction=True)
def test_the_flush_empties_the_tables_and_keeps_what_migrate_made():
    Organisation.objects.create(
        name="Södermalms stadsdelsnämnd", valid_from=datetime.date(2007, 1, 1)
    )
    types = dict(ContentType.objects.values_list("pk", "model"))
    permissions = set(Permission.objects.values_list("pk", "codename"))
    assert types and permissions

    Committing()._fixture_teardown()

    assert not Organisation.objects.exists()
    assert dict(ContentType.objects.values_list("pk", "model")) == types
    assert set(Permission.objects.values_list("pk", "codename")) == permissions
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Organisation).pk in types
