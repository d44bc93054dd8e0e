"""The history manager's class is built once (remiss/history.py), and the history still works."""

import pytest
from simple_history.manager import HistoricalQuerySet

from remiss.history import HistoryManager
from tests.conftest import make_organisation


def test_the_manager_class_is_built_once_per_queryset_class():
    assert HistoryManager.from_queryset(HistoricalQuerySet) is HistoryManager.from_queryset(
        HistoricalQuerySet
    )


@pytest.mark.django_db
def test_every_save_still_writes_a_history_row_through_it():
    organisation = make_organisation("Södermalms stadsdelsnämnd")
    organisation.name = "Södermalms stadsdelsnämnd (ny)"
    organisation.save()

    assert isinstance(organisation.history, HistoryManager)
    assert [row.name for row in organisation.history.order_by("history_id")] == [
        "Södermalms stadsdelsnämnd",
        "Södermalms stadsdelsnämnd (ny)",
    ]
