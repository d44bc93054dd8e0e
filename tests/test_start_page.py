"""The login page and the start page: each person sees the remisses of their own organisations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from remiss.models import Recipient, Remiss
from tests.conftest import make_organisation, make_user, sql_statements

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("start"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_the_login_page_is_in_swedish(client):
    response = client.get(reverse("login"))

    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert '<label for="id_username">Användarnamn</label>' in body
    assert '<label for="id_password">Lösenord</label>' in body
    assert ">Logga in</button>" in body


def test_a_wrong_password_is_refused_in_swedish_and_keeps_the_username(client, handlaggare):
    response = client.post(reverse("login"), {"username": "handlaggare", "password": "fel"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Inloggningen misslyckades" in body
    assert "korrekt användarnamn och lösenord" in body
    assert 'value="handlaggare"' in body
    assert "_auth_user_id" not in client.session


def test_logging_in_leads_to_the_start_page(client, handlaggare, remiss):
    response = client.post(
        reverse("login"), {"username": "handlaggare", "password": "demo"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("start")
    assert "KS 2019/1543" in response.content.decode()


def test_a_case_officer_sees_the_remiss_received_with_its_deadline(client, handlaggare, remiss):
    client.force_login(handlaggare)

    body = client.get(reverse("start")).content.decode()

    assert "Att besvara" in body
    assert "KS 2019/1543" in body
    assert "SÖD 2019/1102" in body
    assert "Stockholms stads säkerhetsprogram 2020–2023" in body
    assert '<time datetime="2019-12-13">2019-12-13</time>' in body
    assert "försenad" in body  # the 2019 deadline is long past
    assert "Inte påbörjat" in body


def test_a_started_statement_is_linked_from_its_row_with_its_status(client, handlaggare, started):
    client.force_login(handlaggare)

    body = client.get(reverse("start")).content.decode()

    link = f'<a href="{reverse("statement", args=[started.pk])}">Utkast</a>'
    assert link in body
    assert "Inte påbörjat" not in body


def test_a_person_sees_only_remisses_of_their_own_organisations(client, handlaggare, remiss, ks):
    kungsholmen_only = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2020/77",
        title="Kungsholmens egen remiss",
        deadline=datetime.date(2020, 3, 1),
    )
    Recipient.objects.create(
        remiss=kungsholmen_only,
        organisation=remiss.recipients.get(
            organisation__name="Kungsholmens stadsdelsnämnd"
        ).organisation,
    )
    farsta = make_organisation("Farsta stadsdelsnämnd")
    farsta_user = make_user("farsta", farsta, "case_officer")

    client.force_login(handlaggare)
    body = client.get(reverse("start")).content.decode()
    assert "KS 2019/1543" in body
    assert "KS 2020/77" not in body
    assert "Kungsholmens egen remiss" not in body

    client.force_login(farsta_user)
    body = client.get(reverse("start")).content.decode()
    assert "KS 2019/1543" not in body
    assert "Dina organisationer har inga remisser att besvara just nu." in body


def test_the_sender_sees_its_remiss_with_the_answers_counted(client, ks_samordnare, remiss):
    client.force_login(ks_samordnare)

    body = client.get(reverse("start")).content.decode()

    assert "Skickade remisser" in body
    assert "KS 2019/1543" in body
    assert "0 av 2" in body
    assert "Att besvara" not in body


def test_a_person_without_a_role_is_told_so(client, db):
    user = make_user("ny")
    client.force_login(user)

    body = client.get(reverse("start")).content.decode()

    assert "ingen roll i någon organisation" in body


def test_titles_are_escaped_on_the_start_page(client, handlaggare, remiss):
    remiss.title = '<script>alert("x")</script>'
    remiss.save()
    client.force_login(handlaggare)

    body = client.get(reverse("start")).content.decode()

    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


def add_remisses(ks, sodermalm, count: int, *, first: int = 0) -> None:
    """`count` remisses from KS to Södermalm: every third answered, the rest still open."""
    for number in range(first, first + count):
        more = Remiss.objects.create(
            sender=ks,
            registration_number=f"KS 2020/{number}",
            title=f"Remiss {number}",
            sent_on=datetime.date(2020, 1, 1),
            # Deadlines still ahead: the page reads the meetings for its deadline advice.
            deadline=timezone.localdate() + datetime.timedelta(days=30 + number),
        )
        answered = number % 3 == 0
        Recipient.objects.create(
            remiss=more,
            organisation=sodermalm,
            status="delivered" if answered else "awaiting",
            delivered_at=datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC) if answered else None,
        )


# SQL statements of the start page: the user, the roles, the three lists (count and page each;
# a page of sent remisses also counts its answers; an empty list is not read), the meetings
# for the deadline advice, the kallelser, and "Att göra" for the roles held.
CASE_OFFICER_QUERIES = 1 + 1 + 3 + 2 + 1 + 1 + 1  # user, roles, received (count, page, the
# meetings for the advice), answered (count, page), sent (count only: none), Att göra's counts
# (one query; no kind waits, so no list is asked for), kallelser
COORDINATOR_QUERIES = 1 + 1 + 1 + 1 + 3 + 1 + 1 + 1  # user, roles, received and answered
# (count only: none), sent (count, page, answers), Att göra's counts, the one kind waiting
# (overdue replies), kallelser


def test_the_start_page_runs_a_fixed_number_of_queries_for_3_or_80_remisses(
    client, handlaggare, ks_samordnare, remiss, ks, sodermalm
):
    def queries_for(user) -> int:
        client.force_login(user)
        client.get(reverse("start"))  # the first request after login renews the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("start")).status_code == 200
        return sql_statements(captured)

    add_remisses(ks, sodermalm, 2)
    small = (queries_for(handlaggare), queries_for(ks_samordnare))
    add_remisses(ks, sodermalm, 78, first=2)
    large = (queries_for(handlaggare), queries_for(ks_samordnare))

    assert small == large == (CASE_OFFICER_QUERIES, COORDINATOR_QUERIES)


def test_each_list_of_the_start_page_is_paged_with_its_count(
    client, handlaggare, ks_samordnare, ks, sodermalm
):
    add_remisses(ks, sodermalm, 80)  # 53 to answer, 27 answered, 80 sent
    client.force_login(handlaggare)

    body = client.get(reverse("start")).content.decode()
    second = client.get(reverse("start"), {"mottagna": 3}).content.decode()

    assert "Sida 1 av 3 (53 remisser)" in body and "Sida 1 av 2 (27 remisser)" in body
    assert body.count('href="/mottagna/') == 0
    assert 'href="?mottagna=2#mottagna"' in body
    assert "Sida 3 av 3 (53 remisser)" in second and "Remiss 79<" in second
    assert "Remiss 79<" not in body

    client.force_login(ks_samordnare)
    sent = client.get(reverse("start")).content.decode()
    older = client.get(reverse("start"), {"skickade": 4}).content.decode()
    assert "Sida 1 av 4 (80 remisser)" in sent and "Remiss 79<" in sent
    assert "Remiss 0<" in older and "Remiss 79<" not in older


def test_the_lists_that_grow_with_the_years_count_only_a_few_pages_ahead(
    client, ks_samordnare, ks, sodermalm, monkeypatch
):
    """Sent and answered remisses pile up over the years: the start page counts them only up
    to AHEAD pages past the one shown (remiss.paging), not every remiss ever sent."""
    monkeypatch.setattr("remiss.paging.AHEAD", 1)
    add_remisses(ks, sodermalm, 80)
    client.force_login(ks_samordnare)

    with CaptureQueriesContext(connection) as captured:
        first = client.get(reverse("start")).content.decode()
    # Read before the next request, which empties the connection's log.
    sql = [query["sql"] for query in captured]
    last = client.get(reverse("start"), {"skickade": 4}).content.decode()

    # Pages 1 and 2 and a row more, for the sent and for the (empty) answered list.
    assert len([q for q in sql if q.startswith("SELECT COUNT(*)") and "LIMIT 51" in q]) == 2
    assert "Sida 1 av fler än 2" in first and 'href="?skickade=2#skickade"' in first
    assert "Sida 4 av 4 (80 remisser)" in last and "Remiss 0<" in last


def test_to_do_asks_only_for_the_kinds_with_something_waiting(
    client, handlaggare, sekreterare, request
):
    def tables_read(user) -> str:
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("start"))
        return " ".join(query["sql"] for query in captured)

    decisions_to_record = '"remiss_agendaitem"."title"'  # only the secretary's list shows them
    assert decisions_to_record not in tables_read(handlaggare)
    assert decisions_to_record not in tables_read(sekreterare)  # nothing to record yet
    request.getfixturevalue("on_agenda")  # on the agenda of a meeting held: a decision to record
    assert decisions_to_record in tables_read(sekreterare)


def test_logging_out_takes_a_post_and_ends_the_session(client, handlaggare):
    client.force_login(handlaggare)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_answered_remisses_are_paged_latest_first(client, handlaggare, ks, sodermalm):
    for number in range(30):
        remiss = Remiss.objects.create(
            sender=ks,
            registration_number=f"KS 2018/{number:03d}",
            title=f"Besvarad {number:02d}",
            deadline=datetime.date(2018, 1, 1) + datetime.timedelta(days=number),
        )
        Recipient.objects.create(
            remiss=remiss,
            organisation=sodermalm,
            status="delivered",
            delivered_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC),
        )
    client.force_login(handlaggare)

    first = client.get(reverse("start")).content.decode()
    second = client.get(reverse("start"), {"besvarade": 2}).content.decode()

    assert "Besvarad 29" in first and "Besvarad 05" in first and "Besvarad 04" not in first
    assert "Sida 1 av 2 (30 remisser)" in first
    assert "Besvarad 04" in second and "Besvarad 00" in second and "Besvarad 29" not in second
