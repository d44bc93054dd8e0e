"""Writing the statement: starting, saving versions, refusing stale saves, restoring."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from remiss import drafting
from remiss.models import (
    FocusAreaView,
    Membership,
    Organisation,
    PreparationStep,
    Recipient,
    Statement,
    StatementVersion,
    StatusEvent,
)
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db


def text_of(statement: Statement, **changes) -> drafting.StatementText:
    text = drafting.text_from_snapshot(drafting.snapshot(statement))
    for name, value in changes.items():
        if name in text.sections:
            text.sections[name] = value
        else:
            setattr(text, name, value)
    return text


class TestStart:
    def test_it_prefills_the_statement_from_the_remiss_the_organisation_and_the_person(
        self, sodermalm_recipient, handlaggare
    ):
        Membership.objects.filter(user=handlaggare).update(phone="08-508 121 92")

        statement = drafting.start_statement(recipient=sodermalm_recipient, user=handlaggare)

        assert statement.title == "Stockholms stads säkerhetsprogram 2020–2023"
        assert statement.reference_line == ("Svar på remiss från kommunstyrelsen, dnr KS 2019/1543")
        assert statement.addressed_to == "Södermalms stadsdelsnämnd"
        assert statement.case_officer == handlaggare
        assert statement.phone == "08-508 121 92"
        assert statement.date == timezone.localdate()
        assert statement.proposals == [
            "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen."
        ]
        assert [text for _, text in statement.sections()] == ["", "", "", "", ""]
        assert statement.status == Statement.Status.DRAFT
        assert statement.version == 1
        version = statement.versions.get()
        assert (version.number, version.author, version.note) == (1, handlaggare, "Påbörjat")
        event = StatusEvent.objects.get()
        assert (event.actor, event.from_status, event.to_status) == (handlaggare, "", "draft")

    def test_a_specialist_board_proposes_in_its_own_words(self, remiss, handlaggare):
        board = make_organisation("Socialnämnden", Organisation.Kind.SPECIALIST_BOARD)
        recipient = Recipient.objects.create(remiss=remiss, organisation=board)
        officer = make_user("soc", board, Membership.Role.CASE_OFFICER)

        statement = drafting.start_statement(recipient=recipient, user=officer)

        assert statement.proposals == [
            "Nämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen."
        ]
        assert statement.views_heading == "Förvaltningens synpunkter och förslag"

    def test_starting_twice_opens_the_same_statement(self, started, sodermalm_recipient, direktor):
        again = drafting.start_statement(recipient=sodermalm_recipient, user=direktor)

        assert again == started
        assert Statement.objects.count() == 1
        assert StatementVersion.objects.count() == 1

    def test_only_a_writer_may_start(self, sodermalm_recipient, sekreterare):
        with pytest.raises(PermissionDenied):
            drafting.start_statement(recipient=sodermalm_recipient, user=sekreterare)

        assert Statement.objects.count() == 0
        assert StatusEvent.objects.count() == 0


class TestSave:
    def test_every_save_is_a_version_with_its_author_and_full_text(
        self, started, handlaggare, programme
    ):
        area = programme.focus_areas.get(number=1)
        text = text_of(started, summary="Förvaltningen tillstyrker.")
        text.focus_area_views = [(area, "Krisberedskapen behöver övas.")]
        text.preparation_steps = [
            (PreparationStep.Kind.PENSIONERS_COUNCIL, "Pensionärsrådet", datetime.date(2019, 12, 2))
        ]

        saved = drafting.save_statement(
            statement=started, user=handlaggare, base_version=1, text=text
        )

        assert saved.version == 2
        assert saved.summary == "Förvaltningen tillstyrker."
        assert FocusAreaView.objects.get().text == "Krisberedskapen behöver övas."
        assert PreparationStep.objects.get().date == datetime.date(2019, 12, 2)
        version = saved.versions.first()
        assert (version.number, version.author) == (2, handlaggare)
        assert version.content["sections"]["summary"] == "Förvaltningen tillstyrker."
        assert version.content["focus_area_views"][0]["title"] == "Krisberedskap"
        assert version.content["preparation_steps"][0]["kind_label"] == "Pensionärsråd"

    def test_a_save_based_on_an_older_version_is_refused_and_changes_nothing(
        self, started, handlaggare, direktor
    ):
        drafting.save_statement(
            statement=started,
            user=direktor,
            base_version=1,
            text=text_of(started, summary="Direktörens text."),
        )

        with pytest.raises(drafting.StaleVersion) as stale:
            drafting.save_statement(
                statement=started,
                user=handlaggare,
                base_version=1,
                text=text_of(started, summary="Handläggarens text."),
            )

        assert stale.value.current.number == 2
        assert stale.value.current.author == direktor
        started.refresh_from_db()
        assert (started.version, started.summary) == (2, "Direktörens text.")
        assert StatementVersion.objects.count() == 2

    def test_a_frozen_statement_cannot_be_saved(self, started, handlaggare):
        Statement.objects.filter(pk=started.pk).update(
            status=Statement.Status.READY, signed_at=timezone.now()
        )
        started.refresh_from_db()

        with pytest.raises(PermissionDenied):
            drafting.save_statement(
                statement=started,
                user=handlaggare,
                base_version=1,
                text=text_of(started, summary="Sent ändrad."),
            )

        started.refresh_from_db()
        assert started.summary == ""

    def test_unchanged_views_and_steps_are_left_alone(self, started, handlaggare, programme):
        text = text_of(started)
        text.focus_area_views = [(programme.focus_areas.get(number=2), "Civilt försvar.")]
        saved = drafting.save_statement(
            statement=started, user=handlaggare, base_version=1, text=text
        )
        view = FocusAreaView.objects.get()
        history_rows = view.history.count()

        drafting.save_statement(
            statement=saved,
            user=handlaggare,
            base_version=2,
            text=text_of(saved, summary="Bara sammanfattningen ändras."),
        )

        assert FocusAreaView.objects.get().pk == view.pk
        assert view.history.count() == history_rows

    def test_saving_clears_the_persons_autosaved_draft(self, started, handlaggare):
        drafting.autosave(statement=started, user=handlaggare, base_version=1, data={"x": ["y"]})

        drafting.save_statement(
            statement=started, user=handlaggare, base_version=1, text=text_of(started)
        )

        assert not started.autosaves.exists()


class TestRestore:
    def test_restoring_writes_the_old_text_as_a_new_version(self, started, handlaggare):
        drafting.save_statement(
            statement=started,
            user=handlaggare,
            base_version=1,
            text=text_of(started, summary="Första utkastet."),
        )
        drafting.save_statement(
            statement=started,
            user=handlaggare,
            base_version=2,
            text=text_of(started, summary="Andra utkastet."),
        )

        restored = drafting.restore_version(
            statement=started, user=handlaggare, number=2, base_version=3
        )

        assert restored.version == 4
        assert restored.summary == "Första utkastet."
        newest = restored.versions.first()
        assert (newest.number, newest.note) == (4, "Återställd från version 2")
        assert [v.number for v in restored.versions.all()] == [4, 3, 2, 1]

    def test_a_version_that_does_not_exist_cannot_be_restored(self, started, handlaggare):
        with pytest.raises(drafting.DraftingError, match="Version 9 finns inte"):
            drafting.restore_version(statement=started, user=handlaggare, number=9, base_version=1)


def test_the_suggested_preparation_text_reads_as_swedish_prose():
    Kind = PreparationStep.Kind
    steps = [
        (Kind.INTERNAL, "stadsdelsdirektörens stab", None),
        (Kind.STAFF_GROUP, "Förvaltningsgruppen", datetime.date(2019, 12, 2)),
        (Kind.PENSIONERS_COUNCIL, "Pensionärsrådet", datetime.date(2019, 12, 2)),
        (Kind.DISABILITY_COUNCIL, "Rådet för funktionshindersfrågor", datetime.date(2019, 12, 3)),
    ]

    assert drafting.suggested_preparation(steps) == (
        "Ärendet har beretts av stadsdelsdirektörens stab. Ärendet har behandlats i "
        "förvaltningsgruppen den 2 december 2019, i pensionärsrådet den 2 december 2019 och "
        "i rådet för funktionshindersfrågor den 3 december 2019."
    )
    assert drafting.suggested_preparation([]) == ""
