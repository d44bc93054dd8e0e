"""The drafting pages: who may open them, what a POST stores, and that a GET changes nothing."""

import datetime
import hashlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remiss import drafting, kept_forms
from remiss.models import (
    Attachment,
    AutosavedDraft,
    Recipient,
    Remiss,
    Statement,
    StatementVersion,
)
from tests.conftest import editor_post, make_organisation, make_user, sql_statements

pytestmark = pytest.mark.django_db


def pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Bilaga till yttrandet</p>").write_pdf()


def database_state() -> dict[str, int]:
    """Rows in every table of the project's apps: a GET must leave this as it was."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"remiss", "programs"}
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


PAGES = ["statement", "statement_edit", "statement_preview", "statement_versions"]


class TestWhoMayOpenThePages:
    @pytest.mark.parametrize("name", PAGES)
    def test_anonymous_visitors_are_sent_to_log_in(self, client, started, name):
        response = client.get(reverse(name, args=[started.pk]))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("name", PAGES)
    def test_writers_open_every_page(self, client, started, handlaggare, direktor, name):
        for user in [handlaggare, direktor]:
            client.force_login(user)
            assert client.get(reverse(name, args=[started.pk])).status_code == 200

    @pytest.mark.parametrize("name", PAGES)
    def test_another_organisation_gets_404(self, client, started, outsider, ks_samordnare, name):
        for user in [outsider, ks_samordnare]:
            client.force_login(user)
            assert client.get(reverse(name, args=[started.pk])).status_code == 404

    def test_a_member_who_does_not_write_reads_but_may_not_edit(self, client, started, sekreterare):
        client.force_login(sekreterare)

        assert client.get(reverse("statement", args=[started.pk])).status_code == 200
        assert client.get(reverse("statement_edit", args=[started.pk])).status_code == 403
        response = client.post(
            reverse("statement_edit", args=[started.pk]),
            editor_post(started, summary="Sekreterarens text."),
        )
        assert response.status_code == 403
        started.refresh_from_db()
        assert started.summary == ""

    def test_the_recipient_page_is_for_the_recipient_only(
        self, client, sodermalm_recipient, handlaggare, outsider
    ):
        url = reverse("recipient", args=[sodermalm_recipient.pk])
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(handlaggare)
        body = client.get(url).content.decode()
        assert "Påbörja tjänsteutlåtandet" in body
        assert "Krisberedskap" in body  # the programme's focus areas

    def test_another_organisation_cannot_start_or_post(
        self, client, sodermalm_recipient, started, outsider
    ):
        client.force_login(outsider)
        before = database_state()

        assert (
            client.post(reverse("statement_start", args=[sodermalm_recipient.pk])).status_code
            == 404
        )
        assert (
            client.post(
                reverse("statement_edit", args=[started.pk]), editor_post(started, summary="x")
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("statement_autosave", args=[started.pk]), {"base_version": 1}
            ).status_code
            == 404
        )
        assert (
            client.post(
                reverse("statement_restore", args=[started.pk, 1]), {"base_version": 1}
            ).status_code
            == 404
        )
        assert database_state() == before

    def test_compare_and_downloads_answer_404_to_another_organisation(
        self, client, started, handlaggare, outsider, media
    ):
        TestVersions().save(started, handlaggare, summary="Andra.")
        remiss_attachment = Attachment.objects.create(
            remiss=started.recipient.remiss,
            title="Remissversion",
            file="bilagor/x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
        compare_url = reverse("statement_compare", args=[started.pk]) + "?fran=1&till=2"
        client.force_login(outsider)

        assert client.get(compare_url).status_code == 404
        assert (
            client.post(reverse("statement_autosave_discard", args=[started.pk])).status_code == 404
        )
        client.logout()
        assert client.get(compare_url)["Location"].startswith(reverse("login"))
        assert client.get(reverse("attachment", args=[remiss_attachment.pk]))[
            "Location"
        ].startswith(reverse("login"))

    def test_a_remiss_attachment_is_open_to_sender_and_recipients_only(
        self, client, remiss, handlaggare, outsider, ks_samordnare, media
    ):
        from django.core.files.base import ContentFile

        attachment = Attachment(
            remiss=remiss,
            title="Remissversion",
            content_type="application/pdf",
            size=3,
            sha256="a" * 64,
        )
        attachment.file.save("remissversion.pdf", ContentFile(b"%PDF"), save=True)
        stranger = make_user("farsta", make_organisation("Farsta stadsdelsnämnd"), "case_officer")
        url = reverse("attachment", args=[attachment.pk])

        for user in [handlaggare, outsider, ks_samordnare]:  # two recipients and the sender
            client.force_login(user)
            assert client.get(url).status_code == 200
        client.force_login(stranger)
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("name", PAGES)
    def test_a_get_changes_nothing(self, client, started, handlaggare, name):
        client.force_login(handlaggare)
        before = database_state()

        client.get(reverse(name, args=[started.pk]))

        assert database_state() == before


class TestStart:
    def test_starting_creates_the_statement_and_opens_the_editor(
        self, client, sodermalm_recipient, handlaggare
    ):
        client.force_login(handlaggare)

        response = client.post(reverse("statement_start", args=[sodermalm_recipient.pk]))

        statement = Statement.objects.get()
        assert response["Location"] == reverse("statement_edit", args=[statement.pk])
        assert statement.recipient == sodermalm_recipient
        assert statement.version == 1

    def test_starting_takes_a_post(self, client, sodermalm_recipient, handlaggare):
        client.force_login(handlaggare)

        assert (
            client.get(reverse("statement_start", args=[sodermalm_recipient.pk])).status_code == 405
        )
        assert Statement.objects.count() == 0


class TestSave:
    def test_a_save_stores_exactly_what_was_posted(self, client, started, handlaggare, programme):
        client.force_login(handlaggare)
        area = programme.focus_areas.get(number=2)
        data = editor_post(
            started,
            summary="Förvaltningen tillstyrker förslaget.",
            matter="Programmet har **fem** fokusområden.",
            **{
                "proposals-TOTAL_FORMS": 2,
                "proposals-0-ORDER": 2,
                "proposals-1-text": "Beslutet justeras omedelbart.",
                "proposals-1-ORDER": 1,
                "focusviews-TOTAL_FORMS": 1,
                "focusviews-0-focus_area": area.pk,
                "focusviews-0-text": "Civilt försvar behöver övas.",
                "steps-TOTAL_FORMS": 1,
                "steps-0-kind": "pensioners_council",
                "steps-0-who": "Pensionärsrådet",
                "steps-0-date": "2019-12-02",
            },
        )

        response = client.post(reverse("statement_edit", args=[started.pk]), data)

        assert response.status_code == 302
        started.refresh_from_db()
        assert started.version == 2
        assert started.summary == "Förvaltningen tillstyrker förslaget."
        assert started.matter == "Programmet har **fem** fokusområden."
        assert started.proposals == [
            "Beslutet justeras omedelbart.",
            "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen.",
        ]
        assert [(v.focus_area, v.text) for v in started.focus_area_views.all()] == [
            (area, "Civilt försvar behöver övas.")
        ]
        assert [(s.kind, s.who, s.date) for s in started.preparation_steps.all()] == [
            ("pensioners_council", "Pensionärsrådet", datetime.date(2019, 12, 2))
        ]
        assert started.versions.first().author == handlaggare

    def test_bad_input_is_refused_field_by_field_in_swedish_and_nothing_is_saved(
        self, client, started, handlaggare
    ):
        client.force_login(handlaggare)
        data = editor_post(
            started,
            title="",
            date="13/12/2019",
            summary="Texten jag skrev.",
            **{
                "proposals-0-text": "",
                "focusviews-TOTAL_FORMS": 1,
                "focusviews-0-text": "Synpunkt utan område.",
            },
        )

        response = client.post(reverse("statement_edit", args=[started.pk]), data)

        body = response.content.decode()
        assert response.status_code == 200
        assert "fel behöver rättas" in body
        assert '<a href="#id_title">Rubrik: Detta fält måste fyllas i.</a>' in body
        assert 'href="#id_date"' in body
        assert "Skriv minst ett förslag till beslut." in body
        assert "Välj vilket fokusområde synpunkterna gäller." in body
        assert "Texten jag skrev." in body  # nothing typed is lost
        started.refresh_from_db()
        assert (started.version, started.summary) == (1, "")

    def test_a_stale_save_is_refused_and_both_texts_are_shown(
        self, client, started, handlaggare, direktor
    ):
        TestVersions().save(started, direktor, summary="Direktörens version.")
        started.refresh_from_db()
        started.version = 1  # the handläggare's form was opened at version 1
        client.force_login(handlaggare)

        response = client.post(
            reverse("statement_edit", args=[started.pk]),
            editor_post(started, base_version=1, summary="Handläggarens version."),
        )

        body = response.content.decode()
        assert response.status_code == 200
        assert "Någon annan har sparat utlåtandet medan du skrev" in body
        assert "Handläggarens version." in body
        assert "Direktörens version." in body
        assert "Ann-Christine Jenvén" in body
        assert 'name="base_version" value="2"' in body
        started.refresh_from_db()
        assert (started.version, started.summary) == (2, "Direktörens version.")

    def test_script_typed_into_a_section_is_shown_as_text(self, client, started, handlaggare):
        client.force_login(handlaggare)
        attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        client.post(
            reverse("statement_edit", args=[started.pk]),
            editor_post(started, summary=attack, title=attack),
        )

        for name in ["statement", "statement_preview", "statement_edit"]:
            body = client.get(reverse(name, args=[started.pk])).content.decode()
            assert "<script>alert" not in body, name
            assert "<img src=x" not in body, name
            assert "&lt;script&gt;" in body, name


class TestAttachments:
    def test_a_pdf_is_stored_with_its_checksum_and_can_be_downloaded(
        self, client, started, handlaggare, media
    ):
        client.force_login(handlaggare)
        content = pdf_bytes()
        data = editor_post(started, attachment_title="Säkerhetsprogrammet")
        data["file"] = SimpleUploadedFile("Säkerhetsprogram.pdf", content, "application/pdf")

        client.post(reverse("statement_edit", args=[started.pk]), data)

        attachment = Attachment.objects.get()
        assert attachment.statement == started
        assert attachment.title == "Säkerhetsprogrammet"
        assert attachment.content_type == "application/pdf"
        assert attachment.sha256 == hashlib.sha256(content).hexdigest()
        assert attachment.uploaded_by == handlaggare
        response = client.get(reverse("attachment", args=[attachment.pk]))
        assert b"".join(response.streaming_content) == content
        assert "filename*=utf-8''S%C3%A4kerhetsprogram.pdf" in response["Content-Disposition"]

    def test_html_behind_a_pdf_name_is_refused_and_nothing_is_stored(
        self, client, started, handlaggare, media
    ):
        client.force_login(handlaggare)
        data = editor_post(started, summary="Texten får inte försvinna.")
        data["file"] = SimpleUploadedFile(
            "rapport.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
        )

        response = client.post(reverse("statement_edit", args=[started.pk]), data)

        body = response.content.decode()
        assert "Ny bilaga" in body and "vad filnamnet än säger" in body
        assert "Texten får inte försvinna." in body
        assert Attachment.objects.count() == 0
        assert stored_files(media) == []
        started.refresh_from_db()
        assert started.version == 1

    def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(
        self, client, started, handlaggare, media, settings
    ):
        settings.ATTACHMENT_MAX_BYTES = 2048
        client.force_login(handlaggare)
        data = editor_post(started)
        data["file"] = SimpleUploadedFile("stor.pdf", pdf_bytes() + b"%" * 4096, "application/pdf")

        response = client.post(reverse("statement_edit", args=[started.pk]), data)

        assert "större än" in response.content.decode()
        assert Attachment.objects.count() == 0
        assert stored_files(media) == []

    def test_another_organisation_cannot_download_an_attachment(
        self, client, started, handlaggare, outsider, media
    ):
        client.force_login(handlaggare)
        data = editor_post(started)
        data["file"] = SimpleUploadedFile("bilaga.pdf", pdf_bytes(), "application/pdf")
        client.post(reverse("statement_edit", args=[started.pk]), data)
        attachment = Attachment.objects.get()

        client.force_login(outsider)

        assert client.get(reverse("attachment", args=[attachment.pk])).status_code == 404

    def test_removing_an_attachment_keeps_its_file_and_history(
        self, client, started, handlaggare, media
    ):
        client.force_login(handlaggare)
        data = editor_post(started)
        data["file"] = SimpleUploadedFile("bilaga.pdf", pdf_bytes(), "application/pdf")
        client.post(reverse("statement_edit", args=[started.pk]), data)
        attachment = Attachment.objects.get()
        started.refresh_from_db()

        client.post(
            reverse("statement_edit", args=[started.pk]),
            editor_post(started, remove=[attachment.pk]),
        )

        assert Attachment.objects.count() == 0
        assert len(stored_files(media)) == 1
        assert Attachment.history.filter(id=attachment.pk, history_type="-").exists()


def session_ended(client) -> None:
    """What the browser does when the idle time has passed: the session cookie is gone."""
    del client.cookies[settings.SESSION_COOKIE_NAME]


class TestNoLostWork:
    def test_a_post_after_the_session_ended_is_kept_through_login(
        self, client, started, handlaggare
    ):
        url = reverse("statement_edit", args=[started.pk])
        client.force_login(handlaggare)
        client.get(url)
        session_ended(client)

        response = client.post(url, editor_post(started, summary="Skrivet före utloggningen."))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        client.post(reverse("login"), {"username": "handlaggare", "password": "demo"})
        body = client.get(url).content.decode()
        assert "Skrivet före utloggningen." in body
        assert "Du loggades ut innan texten sparades" in body
        started.refresh_from_db()
        assert started.summary == ""  # kept on screen, saved only when the person says so

    def test_an_anonymous_post_to_an_editor_url_stores_nothing_in_the_session_table(
        self, client, started
    ):
        url = reverse("statement_edit", args=[started.pk])
        four_mb = editor_post(started, summary="x" * 4_000_000)

        response = client.post(url, four_mb)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert Session.objects.count() == 0

    def test_a_forged_editor_mark_keeps_nothing(self, client, started):
        client.cookies[kept_forms.EDITOR_MARK_COOKIE] = "1:förfalskad"

        client.post(reverse("statement_edit", args=[started.pk]), editor_post(started))

        assert Session.objects.count() == 0

    def test_a_kept_form_is_shown_only_to_the_person_who_wrote_it(
        self, client, started, handlaggare, direktor
    ):
        url = reverse("statement_edit", args=[started.pk])
        client.force_login(handlaggare)
        client.get(url)
        session_ended(client)
        client.post(url, editor_post(started, summary="Handläggarens osparade text."))

        client.post(reverse("login"), {"username": direktor.username, "password": "demo"})
        body = client.get(url).content.decode()

        assert "Handläggarens osparade text." not in body
        assert "Du loggades ut innan texten sparades" not in body
        assert all("kept_form" not in s.get_decoded() for s in Session.objects.all())

    def test_a_form_larger_than_the_cap_is_not_kept_and_the_person_is_told(
        self, client, started, handlaggare, monkeypatch
    ):
        monkeypatch.setattr(kept_forms, "MAX_KEPT_CHARACTERS", 10_000)
        url = reverse("statement_edit", args=[started.pk])
        client.force_login(handlaggare)
        client.get(url)
        session_ended(client)

        client.post(url, editor_post(started, summary="x" * 20_000))
        body = client.get(reverse("login")).content.decode()

        assert "formuläret var för stort för att sparas" in body
        assert all("kept_form" not in s.get_decoded() for s in Session.objects.all())

    def test_autosave_keeps_a_draft_that_is_offered_back(self, client, started, handlaggare):
        client.force_login(handlaggare)
        data = editor_post(started, summary="Halvfärdig mening")

        response = client.post(reverse("statement_autosave", args=[started.pk]), data)

        assert response.status_code == 200
        assert response.json()["message"].startswith("Utkast sparat")
        draft = AutosavedDraft.objects.get()
        assert draft.data["summary"] == ["Halvfärdig mening"]
        started.refresh_from_db()
        assert (started.version, started.summary) == (1, "")
        body = client.get(reverse("statement_edit", args=[started.pk])).content.decode()
        assert "Du har ett autosparat utkast" in body
        body = client.get(
            reverse("statement_edit", args=[started.pk]) + "?utkast=1"
        ).content.decode()
        assert "Halvfärdig mening" in body

    def test_autosave_after_the_session_ended_answers_401(self, client, started):
        response = client.post(
            reverse("statement_autosave", args=[started.pk]), {"base_version": 1}
        )

        assert response.status_code == 401
        assert "utloggad" in response.json()["error"]
        assert AutosavedDraft.objects.count() == 0

    def test_a_draft_can_be_thrown_away(self, client, started, handlaggare):
        drafting.autosave(statement=started, user=handlaggare, base_version=1, data={})
        client.force_login(handlaggare)

        client.post(reverse("statement_autosave_discard", args=[started.pk]))

        assert AutosavedDraft.objects.count() == 0


class TestVersions:
    def save(self, statement, user, **sections):
        snap = drafting.snapshot(statement)
        snap["sections"].update(sections)
        return drafting.save_statement(
            statement=statement,
            user=user,
            base_version=statement.version,
            text=drafting.text_from_snapshot(snap),
        )

    def test_the_version_list_shows_who_saved_what_and_when(self, client, started, handlaggare):
        self.save(started, handlaggare, summary="Andra versionen.")
        client.force_login(handlaggare)

        body = client.get(reverse("statement_versions", args=[started.pk])).content.decode()

        assert "Påbörjat" in body
        assert body.count("Eva-Lena Eirefelt") >= 2
        assert "(gällande)" in body

    def test_the_versions_come_fifty_to_a_page_newest_first_the_current_one_marked(
        self, client, started, handlaggare
    ):
        statement = started
        for number in range(2, 121):
            statement = self.save(statement, handlaggare, summary=f"Version {number}.")
        client.force_login(handlaggare)
        url = reverse("statement_versions", args=[started.pk])

        def rows(body: str) -> list[int]:
            return [int(n) for n in re.findall(r'<th scope="row">(\d+)', body)]

        first = client.get(url).content.decode()
        last = client.get(url, {"sida": 3}).content.decode()
        wrong = client.get(url, {"sida": "tre"}).content.decode()  # a bad number: page 1

        assert rows(first) == list(range(120, 70, -1))
        assert rows(last) == list(range(20, 0, -1))
        assert rows(wrong) == rows(first)
        assert first.count("(gällande)") == 1 and "(gällande)" not in last
        assert "Sida 1 av 3 (120 versioner)" in first
        assert '?sida=2#jamfor">Äldre</a>' in first
        # Every version but the current one can be restored, on every page.
        assert first.count('form="aterstall-') == 49 and last.count('form="aterstall-') == 20
        assert 'form="aterstall-120"' not in first
        # Two versions on different pages are compared by their numbers.
        assert 'id="jamfor-nummer"' in last and 'max="120" value="120"' in last
        compared = client.get(
            reverse("statement_compare", args=[started.pk]), {"fran": 3, "till": 120}
        )
        assert "Jämför version 3 och 120" in compared.content.decode()

    def test_two_versions_compare_side_by_side_with_the_changes_marked(
        self, client, started, handlaggare
    ):
        saved = self.save(started, handlaggare, summary="Förvaltningen tillstyrker <b>helt</b>.")
        self.save(saved, handlaggare, summary="Förvaltningen avstyrker <b>helt</b>.")
        client.force_login(handlaggare)

        response = client.get(
            reverse("statement_compare", args=[started.pk]), {"fran": 2, "till": 3}
        )

        body = response.content.decode()
        assert "Jämför version 2 och 3" in body
        assert '<del><span class="visually-hidden">Borttaget: </span>tillstyrker</del>' in body
        assert '<ins><span class="visually-hidden">Tillagt: </span>avstyrker</ins>' in body
        assert "&lt;b&gt;helt&lt;/b&gt;" in body
        assert "<b>helt</b>" not in body

    def test_restoring_takes_a_post_and_records_a_new_version(self, client, started, handlaggare):
        saved = self.save(started, handlaggare, summary="Version två.")
        client.force_login(handlaggare)
        url = reverse("statement_restore", args=[started.pk, 1])

        assert client.get(url).status_code == 405
        client.post(url, {"base_version": saved.version})

        started.refresh_from_db()
        assert (started.version, started.summary) == (3, "")
        assert started.versions.first().note == "Återställd från version 1"


class TestQueryCounts:
    def queries(self, client, url) -> int:
        client.get(url)  # the first request after login renews the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return sql_statements(captured)

    def test_the_inbox_costs_the_same_for_3_and_30_remisses(
        self, client, handlaggare, remiss, ks, sodermalm
    ):
        def add(count):
            for n in range(count):
                more = Remiss.objects.create(
                    sender=ks,
                    registration_number=f"KS 2020/{Remiss.objects.count()}",
                    title=f"Remiss {n}",
                    deadline=datetime.date(2020, 6, 1),
                )
                recipient = Recipient.objects.create(remiss=more, organisation=sodermalm)
                drafting.start_statement(recipient=recipient, user=handlaggare)

        client.force_login(handlaggare)
        add(2)
        with_3 = self.queries(client, reverse("start"))
        add(27)
        # test_start_page.py says what each is; here "Att göra" has no returned statement.
        assert (with_3, self.queries(client, reverse("start"))) == (9, 9)

    @pytest.mark.parametrize(
        ("name", "expected"),
        [("statement", 12), ("statement_versions", 6), ("statement_edit", 13)],
    )
    def test_statement_pages_cost_the_same_for_10_and_200_versions(
        self, client, started, handlaggare, name, expected
    ):
        url = reverse(name, args=[started.pk])
        client.force_login(handlaggare)
        for number in range(2, 11):
            TestVersions().save(started, handlaggare, summary=str(number))
            started.refresh_from_db()
        with_10 = self.queries(client, url)

        for number in range(11, 201):
            TestVersions().save(started, handlaggare, summary=str(number))
            started.refresh_from_db()

        assert StatementVersion.objects.count() == 200
        assert (with_10, self.queries(client, url)) == (expected, expected)
