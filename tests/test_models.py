"""The domain's invariants hold in the database, and every edit leaves a history row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from programs.models import FocusArea, Programme
from remiss.models import (
    Attachment,
    FocusAreaView,
    Organisation,
    Recipient,
    Remiss,
    Statement,
    StatusEvent,
)
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_(*args, **kwargs)


def test_focus_area_numbers_are_unique_within_a_programme(programme):
    refused(FocusArea.objects.create, programme=programme, number=1, title="Dubblett")

    other = Programme.objects.create(name="Trygghetsprogram", period_start=2020, period_end=2023)
    FocusArea.objects.create(programme=other, number=1, title="Samma nummer, annat program")
    assert FocusArea.objects.filter(number=1).count() == 2


def test_a_registration_number_is_unique_within_the_sending_organisation(remiss, ks, sodermalm):
    refused(
        Remiss.objects.create,
        sender=ks,
        registration_number="KS 2019/1543",
        title="Dubblett",
        deadline=datetime.date(2019, 12, 13),
    )

    Remiss.objects.create(
        sender=sodermalm,
        registration_number="KS 2019/1543",
        title="Annan avsändare",
        deadline=datetime.date(2019, 12, 13),
    )
    assert Remiss.objects.filter(registration_number="KS 2019/1543").count() == 2


def test_a_recipient_registration_number_is_unique_within_its_organisation(remiss, ks, sodermalm):
    other = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2019/2000",
        title="Annan remiss",
        deadline=datetime.date(2020, 1, 31),
    )

    refused(
        Recipient.objects.create,
        remiss=other,
        organisation=sodermalm,
        registration_number="SÖD 2019/1102",
    )


def test_a_blank_recipient_registration_number_may_repeat(remiss, ks, kungsholmen):
    other = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2019/2000",
        title="Annan remiss",
        deadline=datetime.date(2020, 1, 31),
    )

    Recipient.objects.create(remiss=other, organisation=kungsholmen, registration_number="")

    assert Recipient.objects.filter(organisation=kungsholmen, registration_number="").count() == 2


def test_an_organisation_receives_a_remiss_once(remiss, sodermalm):
    refused(Recipient.objects.create, remiss=remiss, organisation=sodermalm)


def test_a_recipient_has_one_statement(statement, handlaggare):
    refused(
        Statement.objects.create,
        recipient=statement.recipient,
        case_officer=handlaggare,
        addressed_to="Södermalms stadsdelsnämnd",
        date=datetime.date(2019, 12, 12),
        title="Ett andra utlåtande",
    )


def test_a_statement_has_one_view_per_focus_area(statement, programme):
    area = programme.focus_areas.get(number=1)
    FocusAreaView.objects.create(statement=statement, focus_area=area, text="Första.")

    refused(FocusAreaView.objects.create, statement=statement, focus_area=area, text="Andra.")


def test_an_attachment_belongs_to_exactly_one_owner(statement):
    fields = dict(
        title="Bilaga", file="bilagor/x", content_type="application/pdf", size=1, sha256="0" * 64
    )

    refused(Attachment.objects.create, **fields)
    refused(
        Attachment.objects.create, statement=statement, remiss=statement.recipient.remiss, **fields
    )


def test_an_organisation_cannot_end_before_it_begins(db):
    refused(
        Organisation.objects.create,
        name="Baklänges",
        kind=Organisation.Kind.SPECIALIST_BOARD,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2019, 12, 31),
    )


def test_a_deadline_cannot_come_before_the_remiss_is_sent(ks):
    refused(
        Remiss.objects.create,
        sender=ks,
        registration_number="KS 2019/9",
        title="Baklänges",
        sent_on=datetime.date(2019, 12, 1),
        deadline=datetime.date(2019, 11, 1),
    )


class TestValidity:
    @pytest.fixture
    def merged(self, db):
        successor = make_organisation(
            "Hägersten-Älvsjö stadsdelsnämnd", valid_from=datetime.date(2020, 7, 1)
        )
        old = make_organisation(
            "Älvsjö stadsdelsnämnd", valid_to=datetime.date(2020, 6, 30), successor=successor
        )
        return old, successor

    def test_validity_dates_decide_who_exists_on_a_day(self, merged):
        old, successor = merged

        on_2019 = set(Organisation.objects.valid_on(datetime.date(2019, 12, 1)))
        last_day = set(Organisation.objects.valid_on(datetime.date(2020, 6, 30)))
        on_2020 = set(Organisation.objects.valid_on(datetime.date(2020, 7, 1)))

        assert (old in on_2019, successor in on_2019) == (True, False)
        assert (old in last_day, successor in last_day) == (True, False)
        assert (old in on_2020, successor in on_2020) == (False, True)
        assert old.successor == successor

    def test_an_organisation_that_no_longer_exists_cannot_receive_a_remiss(self, merged, ks):
        old, successor = merged
        remiss = Remiss.objects.create(
            sender=ks,
            registration_number="KS 2020/10",
            title="Remiss hösten 2020",
            sent_on=datetime.date(2020, 9, 1),
            deadline=datetime.date(2020, 10, 30),
        )

        with pytest.raises(ValidationError) as error:
            Recipient(remiss=remiss, organisation=old).full_clean()
        assert "finns inte den 2020-09-01" in str(error.value)
        Recipient(remiss=remiss, organisation=successor).full_clean()

    def test_an_organisation_not_yet_formed_cannot_receive_an_earlier_remiss(self, merged, remiss):
        _, successor = merged

        with pytest.raises(ValidationError):
            Recipient(remiss=remiss, organisation=successor).full_clean()


class TestHistory:
    def test_editing_a_statement_writes_a_history_row_with_the_old_text(self, statement):
        statement.summary = "Förvaltningen tillstyrker förslaget."
        statement.save()
        statement.summary = "Förvaltningen tillstyrker förslaget med synpunkter."
        statement.save()

        rows = list(statement.history.order_by("history_id"))
        assert [row.history_type for row in rows] == ["+", "~", "~"]
        assert [row.summary for row in rows] == [
            "",
            "Förvaltningen tillstyrker förslaget.",
            "Förvaltningen tillstyrker förslaget med synpunkter.",
        ]

    @pytest.mark.parametrize(
        "model",
        [
            "Programme",
            "FocusArea",
            "Organisation",
            "Membership",
            "Remiss",
            "Recipient",
            "Statement",
            "PreparationStep",
            "FocusAreaView",
            "Attachment",
        ],
    )
    def test_every_model_people_edit_keeps_history(self, model):
        from django.apps import apps

        cls = next(m for m in apps.get_models() if m.__name__ == model)
        assert hasattr(cls, "history"), f"{model} saknar historik"


class TestStatusEvents:
    @pytest.fixture
    def event(self, statement, handlaggare):
        return StatusEvent.objects.create(
            recipient=statement.recipient,
            statement=statement,
            actor=handlaggare,
            action=StatusEvent.Action.SUBMITTED,
            subject=StatusEvent.Subject.STATEMENT,
            from_status="draft",
            to_status="in_review",
            comment="Klar för granskning.",
        )

    def test_an_event_cannot_be_changed_through_the_model(self, event):
        event.comment = "Ändrad i efterhand"

        with pytest.raises(TypeError):
            event.save()
        with pytest.raises(TypeError):
            StatusEvent.objects.filter(pk=event.pk).update(comment="Ändrad")
        event.refresh_from_db()
        assert event.comment == "Klar för granskning."

    def test_the_database_refuses_an_update_of_an_event(self, event):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE remiss_statusevent SET comment = %s WHERE id = %s", ["Ändrad", event.pk]
            )

        event.refresh_from_db()
        assert event.comment == "Klar för granskning."

    def test_an_event_cannot_be_deleted(self, event):
        with pytest.raises(TypeError):
            event.delete()
        with pytest.raises(TypeError):
            StatusEvent.objects.all().delete()

        assert StatusEvent.objects.filter(pk=event.pk).exists()


def test_a_specialist_board_writes_the_administrations_views(statement):
    assert statement.views_heading == "Synpunkter och förslag"
    org = statement.recipient.organisation
    org.kind = Organisation.Kind.SPECIALIST_BOARD

    assert statement.views_heading == "Förvaltningens synpunkter och förslag"
    assert [heading for heading, _ in statement.sections()][-1] == (
        "Förvaltningens synpunkter och förslag"
    )


def test_a_statement_refuses_empty_proposals(statement):
    statement.proposals = ["Nämnden överlämnar.", "  "]

    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "proposals" in error.value.message_dict
