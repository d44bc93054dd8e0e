"""Corrections: the handläggare takes a submitted statement back before the review starts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from remiss import workflow
from remiss.models import Notification, Statement, StatusEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
A = StatusEvent.Action


@pytest.fixture
def submitted(started, handlaggare, direktor):
    return workflow.submit(statement=started, user=handlaggare)


def events(statement) -> list[str]:
    return list(statement.events.order_by("created_at", "pk").values_list("action", flat=True))


class TestWithdrawingASubmission:
    def test_the_handlaggare_takes_it_back_to_draft_with_an_event_and_the_director_is_told(
        self, submitted, handlaggare, direktor
    ):
        workflow.withdraw_submission(statement=submitted, user=handlaggare, comment="Fel dnr.")

        submitted.refresh_from_db()
        assert submitted.status == Statement.Status.DRAFT
        event = submitted.events.get(action=A.SUBMISSION_WITHDRAWN)
        assert (event.actor, event.from_status, event.to_status, event.comment) == (
            handlaggare,
            "in_review",
            "draft",
            "Fel dnr.",
        )
        assert event.sentence == "Eva-Lena Eirefelt tog tillbaka utlåtandet från granskningen."
        notice = Notification.objects.get(recipient=direktor, kind="submission_withdrawn")
        assert notice.text.startswith("Tjänsteutlåtandet är tillbakataget från granskningen")

    def test_it_is_refused_once_the_director_has_started_the_review(
        self, submitted, handlaggare, direktor
    ):
        workflow.start_review(statement=submitted, user=direktor)
        before = events(submitted)

        with pytest.raises(workflow.TransitionError, match="redan påbörjat granskningen"):
            workflow.withdraw_submission(statement=submitted, user=handlaggare)

        submitted.refresh_from_db()
        assert submitted.status == Statement.Status.IN_REVIEW
        assert events(submitted) == before
        assert not Notification.objects.filter(kind="submission_withdrawn").exists()

    def test_another_writer_may_not_take_back_the_handlaggares_statement(
        self, submitted, sodermalm, direktor
    ):
        colleague = make_user("kollega", sodermalm, "case_officer")

        for person in (colleague, direktor):
            with pytest.raises(PermissionDenied):
                workflow.withdraw_submission(statement=submitted, user=person)

        submitted.refresh_from_db()
        assert submitted.status == Statement.Status.IN_REVIEW

    def test_a_draft_cannot_be_taken_back(self, started, handlaggare):
        with pytest.raises(workflow.TransitionError):
            workflow.withdraw_submission(statement=started, user=handlaggare)

        assert A.SUBMISSION_WITHDRAWN not in events(started)

    def test_resubmitting_starts_a_new_review(self, submitted, handlaggare, direktor):
        workflow.start_review(statement=submitted, user=direktor)
        workflow.return_to_draft(statement=submitted, user=direktor, comment="Rätta dnr.")
        workflow.submit(statement=submitted, user=handlaggare)

        submitted.refresh_from_db()
        assert submitted.review_started_at is None
        workflow.withdraw_submission(statement=submitted, user=handlaggare)

    def test_the_review_is_started_once(self, submitted, direktor, sodermalm):
        workflow.start_review(statement=submitted, user=direktor)
        other = make_user("direktor2", sodermalm, "head_of_administration")

        with pytest.raises(workflow.TransitionError, match="Ann-Christine Jenvén har redan"):
            workflow.start_review(statement=submitted, user=other)

        submitted.refresh_from_db()
        assert submitted.review_started_by == direktor
        assert events(submitted).count(A.REVIEW_STARTED) == 1


class TestOnTheStatementPage:
    def test_the_button_takes_it_back_and_says_so(self, client, submitted, handlaggare):
        client.force_login(handlaggare)
        page = client.get(reverse("statement", args=[submitted.pk])).content.decode()
        assert "Ta tillbaka från granskningen" in page
        assert "granskningen har inte påbörjats" in page

        response = client.post(
            reverse("statement_withdraw_submission", args=[submitted.pk]), follow=True
        )

        assert "tillbakataget från granskningen och är ett utkast igen" in (
            response.content.decode()
        )
        submitted.refresh_from_db()
        assert submitted.status == Statement.Status.DRAFT

    def test_once_the_review_has_started_the_page_says_who_reviews_and_refuses(
        self, client, submitted, handlaggare, direktor
    ):
        client.force_login(direktor)
        client.post(reverse("statement_start_review", args=[submitted.pk]))
        client.force_login(handlaggare)

        page = client.get(reverse("statement", args=[submitted.pk])).content.decode()
        assert "Ann-Christine Jenvén granskar utlåtandet sedan" in page
        assert "Ta tillbaka från granskningen" not in page
        response = client.post(
            reverse("statement_withdraw_submission", args=[submitted.pk]), follow=True
        )

        assert "har redan påbörjat granskningen" in response.content.decode()
        submitted.refresh_from_db()
        assert submitted.status == Statement.Status.IN_REVIEW

    def test_the_started_review_moves_from_to_review_to_to_sign(self, client, submitted, direktor):
        client.force_login(direktor)
        body = client.get(reverse("start")).content.decode()
        assert 'id="att-gora-to_review"' in body and 'id="att-gora-to_sign"' not in body

        client.post(reverse("statement_start_review", args=[submitted.pk]))

        body = client.get(reverse("start")).content.decode()
        assert 'id="att-gora-to_review"' not in body
        assert 'Att signera <span class="count">(1)</span>' in body
