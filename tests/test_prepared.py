"""The scoped lookups built once (remiss/prepared.py) answer exactly as the ORM queryset it
was built from: the same statement with the same related objects for whoever may read it, 404
for whoever may not, in one query."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from remiss import workflow
from remiss.models import Meeting, Recipient, Remiss, Statement
from remiss.models.organisations import Membership
from remiss.permissions import (
    _MEETING,
    _RECIPIENT,
    _SENT_REMISS,
    _STATEMENT,
    get_meeting,
    get_recipient,
    get_sent_remiss,
    get_statement,
)
from remiss.prepared import ScopedGet
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

RELATED = [
    ("recipient", "organisation"),
    ("recipient", "remiss", "sender"),
    ("recipient", "remiss", "programme"),
    ("case_officer",),
]


def orm(user, pk):
    return _STATEMENT.queryset(user, pk).first()


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


def test_a_lookup_whose_scope_does_not_take_the_person_refuses_to_be_built(started, handlaggare):
    lookup = ScopedGet(Statement, lambda person: Statement.objects.all(), missing="Finns inte.")
    with pytest.raises(AssertionError, match="does not take the person"):
        lookup.get(handlaggare, started.pk)


@pytest.mark.parametrize(
    "lookup,prepared,fields,related_paths",
    [
        (
            get_recipient,
            _RECIPIENT,
            Recipient._meta.concrete_fields,
            [("remiss", "sender"), ("remiss", "programme"), ("organisation",)],
        ),
        (
            get_meeting,
            _MEETING,
            Meeting._meta.concrete_fields,
            [("organisation",), ("chair",), ("secretary",)],
        ),
        (
            get_sent_remiss,
            _SENT_REMISS,
            Remiss._meta.concrete_fields,
            [("sender",), ("programme",)],
        ),
    ],
    ids=["recipient", "meeting", "sent_remiss"],
)
def test_the_other_scoped_lookups_answer_as_their_querysets(
    lookup,
    prepared,
    fields,
    related_paths,
    request,
    sodermalm_recipient,
    meeting,
    handlaggare,
    outsider,
    django_assert_num_queries,
):
    ks_officer = make_user(
        "ks-samordnare", sodermalm_recipient.remiss.sender, Membership.Role.REMISS_COORDINATOR
    )
    target, insider = {
        get_recipient: (sodermalm_recipient, handlaggare),
        get_meeting: (meeting, handlaggare),
        get_sent_remiss: (sodermalm_recipient.remiss, ks_officer),
    }[lookup]

    with django_assert_num_queries(1):
        found = lookup(insider, target.pk)
        found_related = [walk(found, path) for path in related_paths]
    expected = prepared.queryset(insider, target.pk).get()
    assert {f.attname: getattr(found, f.attname) for f in fields} == {
        f.attname: getattr(expected, f.attname) for f in fields
    }
    assert found_related == [walk(expected, path) for path in related_paths]

    for person in (outsider, AnonymousUser()):
        if person.is_authenticated:
            assert prepared.queryset(person, target.pk).first() is None
        with pytest.raises(Http404):
            lookup(person, target.pk)


def walk(instance, path):
    for name in path:
        instance = getattr(instance, name)
    return instance
