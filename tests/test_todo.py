"""Att göra on the start page, its counts in the header, and the notices inside the portal."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remiss import drafting, notifications, sending, workflow
from remiss.models import Notification, Recipient, Remiss
from tests.conftest import make_organisation, make_user, sql_statements

pytestmark = pytest.mark.django_db


def section(body: str, key: str) -> str:
    """The list of one kind of Att göra: its heading (with the count) and its entries."""
    match = re.search(rf'<h3 id="att-gora-{key}">(.*?)</ul>', body, re.S)
    assert match, f"no {key} on the page"
    return match.group(1)


def header(body: str) -> str:
    return body.split('<nav aria-label="Huvudmeny">', 1)[1].split("</nav>", 1)[0]


def start(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("start")).content.decode()


class TestStartPageByRole:
    def test_the_handlaggare_has_their_draft_to_write_and_the_count_in_the_header(
        self, client, started, handlaggare
    ):
        body = start(client, handlaggare)

        entries = section(body, "to_write")
        assert entries.startswith("Att skriva")
        assert "(1)" in entries and started.title in entries
        assert reverse("statement_edit", args=[started.pk]) in entries
        assert '1<span class="visually-hidden"> att göra</span>' in header(body)

    def test_a_returned_draft_is_listed_as_returned_not_as_to_write(
        self, client, started, handlaggare, direktor
    ):
        workflow.submit(statement=started, user=handlaggare)
        workflow.return_to_draft(statement=started, user=direktor, comment="Mer om övningarna.")

        body = start(client, handlaggare)

        assert started.title in section(body, "returned")
        assert 'id="att-gora-to_write"' not in body

    def test_the_director_has_the_submitted_statement_to_review(
        self, client, started, handlaggare, direktor
    ):
        workflow.submit(statement=started, user=handlaggare)

        body = start(client, direktor)

        entries = section(body, "to_review")
        assert 'Att granska <span class="count">(1)</span>' in entries
        assert "från Eva-Lena Eirefelt" in entries
        assert 'id="att-gora-to_write"' not in start(client, handlaggare)

    def test_the_secretary_has_the_signed_statement_to_put_on_an_agenda(
        self, client, signed, sekreterare
    ):
        assert signed.title in section(start(client, sekreterare), "to_agenda")

    def test_the_chair_has_the_minutes_to_justify(self, client, on_agenda, sekreterare, ordforande):
        workflow.record_decision(
            item=on_agenda,
            user=sekreterare,
            record=workflow.DecisionRecord(outcome="adopted", text="Bifall."),
        )

        entries = section(start(client, ordforande), "to_justify")

        assert "Protokoll att justera" in entries and "senast" in entries

    def test_the_coordinator_has_extension_requests_and_overdue_replies(
        self, client, remiss, sodermalm_recipient, handlaggare, ks_samordnare
    ):
        sending.request_extension(
            recipient=sodermalm_recipient,
            user=handlaggare,
            deadline=datetime.date(2020, 1, 31),
            reason="Nämnden sammanträder i januari.",
        )

        body = start(client, ks_samordnare)

        extensions = section(body, "extensions")
        assert "Södermalms stadsdelsnämnd" in extensions and "2020-01-31" in extensions
        assert reverse("remiss_status", args=[remiss.pk]) in extensions
        overdue = section(body, "overdue")  # the 2019 deadline has long passed, for both
        assert "(2)" in overdue and "Kungsholmens stadsdelsnämnd" in overdue
        assert '3<span class="visually-hidden"> att göra</span>' in header(body)

    def test_a_reply_not_yet_due_is_not_overdue(self, client, ks, sodermalm, ks_samordnare):
        today = datetime.date.today()
        remiss = Remiss.objects.create(
            sender=ks,
            registration_number="KS 2026/5",
            title="I tid",
            sent_on=today,
            deadline=today + datetime.timedelta(days=1),
        )
        Recipient.objects.create(remiss=remiss, organisation=sodermalm)

        assert 'id="att-gora"' not in start(client, ks_samordnare)

    def test_the_counts_follow_the_person_and_the_day_each_time_they_are_asked(
        self, ks, sodermalm, ks_samordnare, handlaggare, clock
    ):
        """The counts' query is built once per process (selectors._counts_template): the person
        and the day asked for must be the ones counted, not those of the first asking."""
        from remiss import selectors

        due = datetime.date(2026, 3, 2)
        remiss = Remiss.objects.create(
            sender=ks,
            registration_number="KS 2026/6",
            title="Svar väntas",
            sent_on=due - datetime.timedelta(days=30),
            deadline=due,
        )
        Recipient.objects.create(remiss=remiss, organisation=sodermalm)

        def counted(user, day):
            clock.set(datetime.datetime(day.year, day.month, day.day, 12))
            user.__dict__.pop("_remiss_counts", None)  # a new request
            return selectors.counts(user)

        assert counted(ks_samordnare, due)["overdue"] == 0
        assert counted(ks_samordnare, due + datetime.timedelta(days=1))["overdue"] == 1
        assert counted(handlaggare, due + datetime.timedelta(days=1))["overdue"] == 0
        assert counted(ks_samordnare, due)["overdue"] == 0

    def test_nothing_waits_for_another_organisations_officer(self, client, started, outsider):
        body = start(client, outsider)

        assert 'id="att-gora"' not in body
        assert "att göra</span>" not in header(body)

    def test_a_long_list_shows_the_first_entries_and_says_how_many_more(
        self, client, handlaggare, ks, sodermalm
    ):
        from remiss import selectors

        for number in range(selectors.TODO_SHOWN + 3):
            more = Remiss.objects.create(
                sender=ks,
                registration_number=f"KS 2020/{number}",
                title=f"Remiss {number}",
                deadline=datetime.date(2020, 6, 1),
            )
            drafting.start_statement(
                recipient=Recipient.objects.create(remiss=more, organisation=sodermalm),
                user=handlaggare,
            )

        entries = section(start(client, handlaggare), "to_write")

        assert f"({selectors.TODO_SHOWN + 3})" in entries
        assert entries.count("<li>") == selectors.TODO_SHOWN
        assert "och 3 till" in entries

    @pytest.mark.parametrize(
        ("late", "said", "badge", "more"),
        [
            (99, "(99)", "99", "och 79 till"),
            (100, "(minst 100)", "99+", "och minst 80 till"),
            (150, "(minst 100)", "99+", "och minst 80 till"),
        ],
    )
    def test_a_count_stops_at_its_cap_and_says_at_least(
        self, client, ks, ks_samordnare, late, said, badge, more
    ):
        """Counting stops past COUNT_CAP rows, so that a header that every page shows does not
        read every overdue reply of a large city: the page then says "minst 100", the badge
        "99+", and no number it shows is more than was counted."""
        from remiss import selectors

        remiss = Remiss.objects.create(
            sender=ks,
            registration_number="KS 2019/77",
            title="Många svar",
            sent_on=datetime.date(2019, 9, 1),
            deadline=datetime.date(2019, 12, 1),
        )
        Recipient.objects.bulk_create(
            Recipient(remiss=remiss, organisation=make_organisation(f"Nämnd {number:03}"))
            for number in range(late)
        )

        with CaptureQueriesContext(connection) as queries:
            body = start(client, ks_samordnare)

        assert selectors.COUNT_CAP == 99
        entries = section(body, "overdue")
        assert said in entries and more in entries
        assert entries.count("<li>") == selectors.TODO_SHOWN
        assert f"({said[1:-1]})" in body.split('<h2 id="att-gora">', 1)[1].split("</h2>", 1)[0]
        assert f'{badge}<span class="visually-hidden"> att göra</span>' in header(body)
        [counting] = [q["sql"] for q in queries if " counted)" in q["sql"]]
        assert counting.count("LIMIT 100") == len(selectors.TODO_KINDS) + 1  # and the unread


class TestQueries:
    def queries(self, client, url) -> int:
        client.get(url)  # the first request after login renews the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return sql_statements(captured)

    def test_the_start_page_costs_the_same_for_one_and_for_twelve_of_every_kind(
        self, client, handlaggare, direktor, sodermalm, ks
    ):
        # The handläggare is also förvaltningschef and coordinator here, so that every kind of
        # work waits for one person.
        from remiss.models import Membership

        Membership.objects.create(
            user=handlaggare, organisation=sodermalm, role=Membership.Role.HEAD_OF_ADMINISTRATION
        )
        Membership.objects.create(
            user=handlaggare, organisation=ks, role=Membership.Role.REMISS_COORDINATOR
        )

        def add(count):
            for _ in range(count):
                number = Remiss.objects.count()
                more = Remiss.objects.create(
                    sender=ks,
                    registration_number=f"KS 2020/{number}",
                    title=f"Remiss {number}",
                    sent_on=datetime.date(2020, 1, 1),
                    deadline=datetime.date(2020, 6, 1),
                )
                for kind in ("draft", "review"):
                    organisation = make_organisation(f"Nämnd {number} {kind}")
                    Membership.objects.create(
                        user=handlaggare,
                        organisation=organisation,
                        role=Membership.Role.HEAD_OF_ADMINISTRATION,
                    )
                    statement = drafting.start_statement(
                        recipient=Recipient.objects.create(remiss=more, organisation=organisation),
                        user=handlaggare,
                    )
                    if kind == "review":
                        workflow.submit(statement=statement, user=handlaggare)
                    notifications.send("reminder", [handlaggare], notice_context(more))

        client.force_login(handlaggare)
        add(1)
        one = self.queries(client, reverse("start"))
        add(11)
        twelve = self.queries(client, reverse("start"))

        body = client.get(reverse("start")).content.decode()
        assert 'Att granska <span class="count">(12)</span>' in body
        assert 'Att skriva <span class="count">(12)</span>' in body
        # The user and their roles; the received remisses (count, page, advice), the answered
        # (count) and the sent (count, page, answers); one query for every count of Att göra
        # and one list per kind with something waiting (to write, to review, overdue); the
        # kallelser.
        assert (one, twelve) == (13, 13)

    def test_the_notices_page_costs_the_same_for_one_and_for_thirty(
        self, client, remiss, handlaggare
    ):
        client.force_login(handlaggare)
        notifications.send("reminder", [handlaggare], notice_context(remiss))
        one = self.queries(client, reverse("notices"))
        for _ in range(29):
            notifications.send("reminder", [handlaggare], notice_context(remiss))
        thirty = self.queries(client, reverse("notices"))

        # The user, the page's count and its notices, the header's counts.
        assert (one, thirty) == (4, 4)


def notice_context(remiss) -> dict:
    recipient = remiss.recipients.first()
    return {
        "reminder": type("R", (), {"sent_on": datetime.date(2020, 1, 1), "note": ""})(),
        "recipient": recipient,
        "remiss": remiss,
        "url": notifications.link("recipient", recipient.pk),
    }


class TestNotices:
    def test_submitting_leaves_the_director_a_notice_even_without_an_email_address(
        self, client, started, handlaggare, direktor
    ):
        direktor.email = ""
        direktor.save()

        workflow.submit(statement=started, user=handlaggare)

        notice = Notification.objects.get(recipient=direktor)
        assert notice.kind == "submitted" and notice.read_at is None
        assert notice.text == f"Tjänsteutlåtande att granska: {started.title}"
        assert notice.link == reverse("statement", args=[started.pk])
        assert not Notification.objects.exclude(recipient=direktor).exists()

    def test_signing_tells_the_handlaggare(self, signed, handlaggare):
        notice = Notification.objects.get(recipient=handlaggare, kind="signed")
        assert notice.text == f"Tjänsteutlåtandet är signerat: {signed.title}"

    def test_a_step_that_is_rolled_back_leaves_no_notice(self, started, handlaggare, direktor):
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.submit(statement=started, user=handlaggare)
            raise RuntimeError

        assert not Notification.objects.exists()

    def test_the_demo_replay_leaves_no_notice(self, started, handlaggare, direktor):
        with notifications.suppressed():
            workflow.submit(statement=started, user=handlaggare)

        assert not Notification.objects.exists()

    def test_a_notice_is_listed_unread_then_opened_and_read(
        self, client, started, handlaggare, direktor
    ):
        workflow.submit(statement=started, user=handlaggare)
        notice = Notification.objects.get(recipient=direktor)
        client.force_login(direktor)

        body = client.get(reverse("notices")).content.decode()
        assert "Tjänsteutlåtande att granska" in body and "Oläst" in body
        assert '1<span class="visually-hidden"> olästa</span>' in header(body)

        assert client.get(reverse("notice_open", args=[notice.pk])).status_code == 405
        response = client.post(reverse("notice_open", args=[notice.pk]))

        assert response["Location"] == reverse("statement", args=[started.pk])
        notice.refresh_from_db()
        assert notice.read_at is not None
        body = client.get(reverse("notices")).content.decode()
        assert "Oläst" not in body and "olästa</span>" not in header(body)

    def test_all_can_be_marked_read_at_once_and_only_ones_own(
        self, client, remiss, handlaggare, direktor
    ):
        for _ in range(3):
            notifications.send("reminder", [handlaggare, direktor], notice_context(remiss))
        client.force_login(handlaggare)

        response = client.post(reverse("notices_read_all"), follow=True)

        assert "3 notiser är markerade som lästa." in response.content.decode()
        assert not Notification.objects.filter(recipient=handlaggare, read_at=None).exists()
        assert Notification.objects.filter(recipient=direktor, read_at=None).count() == 3

    def test_another_persons_notice_answers_404_and_stays_unread(
        self, client, remiss, handlaggare, direktor
    ):
        notifications.send("reminder", [direktor], notice_context(remiss))
        notice = Notification.objects.get()
        client.force_login(handlaggare)

        assert client.post(reverse("notice_open", args=[notice.pk])).status_code == 404
        assert "Du har inga notiser." in client.get(reverse("notices")).content.decode()
        notice.refresh_from_db()
        assert notice.read_at is None

    def test_a_notice_links_within_the_portal_wherever_it_is_served(
        self, settings, remiss, handlaggare
    ):
        settings.SITE_URL = "https://remiss.example.se"
        notifications.send("reminder", [handlaggare], notice_context(remiss))

        recipient = remiss.recipients.first()
        assert Notification.objects.get().link == reverse("recipient", args=[recipient.pk])

    def test_someone_without_a_role_sees_no_notices_of_others(self, client, remiss, direktor):
        notifications.send("reminder", [direktor], notice_context(remiss))
        client.force_login(make_user("ny"))

        assert "Du har inga notiser." in client.get(reverse("notices")).content.decode()
