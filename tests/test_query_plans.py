"""The queries that every inbox and the public list run use their indexes, not a scan of the
whole table: EXPLAIN on a data set large enough for the planner to care (PostgreSQL and
SQLite both; the national-size figures are in docs/scale.md)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remiss import selectors
from remiss.models import AgendaItem, Decision, Meeting, Remiss
from remiss.paging import WindowPaginator
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 1, 1)


def analysed():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_minutes_still_to_justify_are_found_by_the_partial_index(ks):
    chair = make_user("ordf", ks, "chair")
    Meeting.objects.bulk_create(
        Meeting(organisation=ks, date=DAY + datetime.timedelta(days=n), minutes_justified_on=DAY)
        for n in range(3000)
    )
    Meeting.objects.bulk_create(Meeting(organisation=ks, date=DAY, chair=chair) for _ in range(3))
    # Meetings held have their paragraphs: without them, starting from the (empty) agenda items
    # would be as good a plan, and the test would depend on what other tests left in the
    # statistics.
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, number=1, title="Val av justerare")
        for meeting in Meeting.objects.filter(minutes_justified_on=DAY)
    )
    analysed()

    plan = selectors.minutes_to_justify(chair).explain()

    assert list(selectors.minutes_to_justify(chair)) == []  # no agenda items: nothing to justify
    assert "meeting_not_justified" in plan, plan


def test_paragraphs_to_justify_at_once_are_found_by_the_partial_index(ks):
    """Att göra's "Paragrafer att justera omedelbart", counted in every header: the paragraphs
    still waiting, through the partial index decision_justify_now, not all decisions taken."""
    chair = make_user("ordf", ks, "chair")
    meeting = Meeting.objects.create(organisation=ks, date=DAY, chair=chair)
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, number=n, title=f"Ärende {n}") for n in range(1, 3004)
    )
    Decision.objects.bulk_create(
        Decision(
            item=item,
            outcome=Decision.Outcome.ADOPTED,
            recorded_by=chair,
            text="Bifall.",
            immediate=True,
            justified_on=None if item.number > 3000 else DAY,
            notice_date=None if item.number > 3000 else DAY,
        )
        for item in items
    )
    analysed()
    waiting = selectors._todo(chair, DAY, ["to_justify_now"])["to_justify_now"]

    plan = waiting.explain()

    assert waiting.count() == 3
    assert "decision_justify_now" in plan, plan


def many_remisses(ks) -> None:
    sender = make_organisation("Avsändaren")
    Remiss.objects.bulk_create(
        Remiss(
            sender=sender if n % 2 else ks,
            registration_number=f"KS 2020/{n}",
            title=f"Remiss {n}",
            sent_on=DAY + datetime.timedelta(days=n % 700) if n % 10 else None,
            deadline=DAY + datetime.timedelta(days=800),
        )
        for n in range(3000)
    )
    analysed()


def test_the_public_list_reads_its_page_from_the_index_newest_first(ks):
    many_remisses(ks)

    plan = Remiss.objects.public().order_by("-sent_on", "-pk")[:50].explain()

    assert "remiss_public_newest" in plan, plan


def test_the_public_list_counts_only_a_window_of_pages(ks):
    """Up to the window's end and no further, and without sorting the list first: how many rows
    there are up to a limit does not depend on their order (PostgreSQL then reads the first 601
    sent remisses it finds; SQLite its partial index)."""
    many_remisses(ks)
    paginator = WindowPaginator(Remiss.objects.public().order_by("-sent_on", "-pk"), 50, "2")
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 601 and paginator.more
    [count] = [query["sql"] for query in queries]

    with connection.cursor() as cursor:
        cursor.execute(f"{connection.ops.explain_query_prefix()} {count}")
        plan = "\n".join(str(row) for row in cursor.fetchall())

    assert "LIMIT 601" in count and "ORDER BY" not in count
    assert "Limit" in plan or "remiss_public_newest" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_a_document_is_looked_up_through_its_own_recipient_not_every_reply_to_the_sender(
    ks_samordnare,
):
    """A city of 2,000 remisses: "recipient in every reply delivered to kommunstyrelsen" made
    PostgreSQL hash 38,689 recipients (25 ms) on every archived document kommunstyrelsen opened.
    The sender's condition is joins on the document's own recipient."""
    from django.http import Http404

    from remiss import permissions

    with CaptureQueriesContext(connection) as queries, pytest.raises(Http404):
        permissions.get_document(ks_samordnare, 1)

    [lookup] = [q["sql"] for q in queries.captured_queries if "remiss_storeddocument" in q["sql"]]
    assert 'FROM "remiss_recipient"' not in lookup, lookup


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite plans IN (subquery) on a fixed guess of its size and scans",
)
def test_what_an_organisation_has_to_answer_is_counted_on_its_own_recipients(
    ks, sodermalm, kungsholmen, handlaggare
):
    """Mina ärenden counts "Att besvara" for the person's organisations on every visit: through
    the index recipient_organisation_status, not the recipients the whole city still owes (a
    scan of 18,513 rows, 5.5 ms, for kommunstyrelsen at 2,000 remisses) nor every reply the
    organisation ever gave."""
    from django.utils import timezone

    from remiss.models import Recipient

    many_remisses(ks)
    remisses = list(Remiss.objects.order_by("pk"))
    others = [kungsholmen] + [make_organisation(f"Nämnd {n}") for n in range(19)]
    Recipient.objects.bulk_create(
        # What twenty other councils still owe, and Södermalm's own: three to answer, the rest
        # answered long ago.
        [Recipient(remiss=r, organisation=others[n % 20]) for n, r in enumerate(remisses)]
        + [
            Recipient(
                remiss=r,
                organisation=sodermalm,
                status=Recipient.Status.AWAITING if n < 3 else Recipient.Status.DELIVERED,
                delivered_at=None if n < 3 else timezone.now(),
            )
            for n, r in enumerate(remisses)
        ]
    )
    analysed()

    with CaptureQueriesContext(connection) as queries:
        assert selectors.received_remisses(handlaggare).count() == 3
    [count] = [query["sql"] for query in queries]
    with connection.cursor() as cursor:
        cursor.execute(f"{connection.ops.explain_query_prefix()} {count}")
        plan = "\n".join(str(row) for row in cursor.fetchall())

    assert "recipient_organisation_status" in plan, plan


def test_the_longest_overdue_replies_are_read_in_order_from_the_index(ks, ks_samordnare):
    """Att göra's "Försenade svar" lists the twenty longest overdue replies to kommunstyrelsen:
    read in deadline order from the partial index recipient_awaiting_answer_by, not by sorting
    every overdue reply in the city (13,818 of them, 18 ms, at 2,000 remisses) for twenty."""
    from django.db.models import F

    from remiss.models import Recipient

    many_remisses(ks)
    # Each answered within two months of sending, over two years.
    Remiss.objects.filter(sent_on__isnull=False).update(
        deadline=F("sent_on") + datetime.timedelta(days=60)
    )
    remisses = list(Remiss.objects.filter(sent_on__isnull=False).order_by("pk"))
    councils = [make_organisation(f"Nämnd {n}") for n in range(8)]
    Recipient.objects.bulk_create(
        Recipient(remiss=r, organisation=council) for r in remisses for council in councils
    )
    analysed()
    today = DAY + datetime.timedelta(days=900)  # past every deadline

    with CaptureQueriesContext(connection) as queries:
        overdue = selectors.work_waiting(ks_samordnare, today, {"overdue": 100})["overdue"]
    [listed] = [query["sql"] for query in queries]
    with connection.cursor() as cursor:
        cursor.execute(f"{connection.ops.explain_query_prefix()} {listed}")
        plan = "\n".join(str(row) for row in cursor.fetchall())

    assert len(overdue) == selectors.TODO_SHOWN
    assert {r.remiss.sender_id for r in overdue} == {ks.pk}
    assert "recipient_awaiting_answer_by" in plan, plan
