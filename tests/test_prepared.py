"""The statement lookup built once (remiss/prepared.py) answers exactly as the ORM queryset it
was built from: the same statement with the same related objects for whoever may read it, 404
for whoever may not, in one query."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from remiss import workflow
from remiss.models import Statement
from remiss.permissions import _statements_of, get_statement
from remiss.prepared import PreparedGet

pytestmark = pytest.mark.django_db

RELATED = [
    ("recipient", "organisation"),
    ("recipient", "remiss", "sender"),
    ("recipient", "remiss", "programme"),
    ("case_officer",),
]


def orm(user, pk):
    return _statements_of(user.pk, pk).first()


def related(statement):
    values = []
    for path in RELATED:
        value = statement
        for name in path:
            value = getattr(value, name)
        values.append(value)
    return values


def test_whoever_may_read_it_gets_the_statement_with_its_related_rows_in_one_query(
    started, handlaggare, direktor, ordforande, django_assert_num_queries
):
    for person in (handlaggare, direktor):
        with django_assert_num_queries(1):
            statement = get_statement(person, started.pk)
            prepared_related = related(statement)  # select_related: no further query
        expected = orm(person, started.pk)
        assert statement == expected
        assert {
            f.attname: getattr(statement, f.attname) for f in Statement._meta.concrete_fields
        } == {f.attname: getattr(expected, f.attname) for f in Statement._meta.concrete_fields}
        assert prepared_related == related(expected)
        assert statement._state.adding is False and statement._state.db == "default"


def test_a_ledamot_reads_it_only_once_it_stands_on_an_issued_agenda(
    signed, meeting, sekreterare, ordforande
):
    # The chair is a ledamot: not while the administration has it, nor on an agenda not issued.
    assert orm(ordforande, signed.pk) is None
    with pytest.raises(Http404):
        get_statement(ordforande, signed.pk)
    workflow.put_on_agenda(statement=signed, meeting=meeting, user=sekreterare)
    with pytest.raises(Http404):
        get_statement(ordforande, signed.pk)
    workflow.issue_agenda(meeting=meeting, user=sekreterare)
    assert get_statement(ordforande, signed.pk) == orm(ordforande, signed.pk) == signed


def test_someone_outside_and_the_anonymous_get_404(started, outsider):
    assert orm(outsider, started.pk) is None
    for person in (outsider, AnonymousUser()):
        with pytest.raises(Http404):
            get_statement(person, started.pk)
    with pytest.raises(Http404):
        get_statement(outsider, started.pk + 1000)


def test_a_lookup_whose_query_does_not_take_a_stand_in_refuses_to_be_built(started):
    lookup = PreparedGet(
        Statement, lambda person_id, pk: Statement.objects.filter(pk=pk), person_id=-5, pk=-6
    )
    with pytest.raises(AssertionError, match="person_id"):
        lookup.get(person_id=1, pk=started.pk)
