"""seed_demo loads the Södermalm case of December 2019, once, and only in development."""

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from programs.models import FocusArea, Programme
from remiss.models import (
    Attachment,
    FocusAreaView,
    Membership,
    Organisation,
    PreparationStep,
    Recipient,
    Remiss,
    Statement,
)
from tests import seeding

pytestmark = pytest.mark.django_db
FIXTURE = (
    Path(__file__).resolve().parent.parent / "remiss/demo/sodermalm-tjansteutlatande-2019-12-12.txt"
)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        Programme,
        FocusArea,
        Organisation,
        Membership,
        Remiss,
        Recipient,
        Statement,
        PreparationStep,
        FocusAreaView,
        Attachment,
        get_user_model(),
    ]
    result = {m.__name__: m.objects.count() for m in models}
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            result[model.__name__] = model.objects.count()
    return result


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo itself, run once for this module (never the suite's snapshot of it: see
    tests/seeding.py); `seeded` (tests/conftest.py) rolls each test's changes back."""
    media = tmp_path_factory.mktemp("media")
    yield from seeding.seed_once(django_db_blocker, media, restore=False)


def test_it_refuses_to_run_with_debug_off(settings, django_assert_num_queries):
    settings.DEBUG = False

    # Refused before it touches the database (the module's seed may be there already).
    with django_assert_num_queries(0), pytest.raises(CommandError, match="DEBUG=1"):
        seed()


def test_it_loads_the_expected_counts(seeded):
    assert Programme.objects.get().name == "Stockholms stads säkerhetsprogram 2020–2023"
    assert list(FocusArea.objects.values_list("number", "title")) == [
        (1, "Krisberedskap"),
        (2, "Civilt försvar"),
        (3, "Säkerhetsskydd och informationssäkerhet"),
        (4, "Förebygga olyckor"),
        (5, "Otillåten påverkan samt hot och våld mot anställda"),
    ]
    kinds = Organisation.Kind
    december_2019 = Organisation.objects.valid_on(datetime.date(2019, 12, 1))
    assert december_2019.filter(kind=kinds.DISTRICT_COUNCIL).count() == 14
    assert december_2019.filter(kind=kinds.SPECIALIST_BOARD).count() == 14
    assert december_2019.filter(kind=kinds.EXECUTIVE_BOARD).get().administration == (
        "Stadsledningskontoret"
    )
    assert december_2019.filter(kind=kinds.MUNICIPAL_FEDERATION).get().name == (
        "Storstockholms brandförsvar"
    )
    assert (
        Organisation.objects.valid_on(datetime.date.today())
        .filter(kind=kinds.DISTRICT_COUNCIL)
        .count()
        == 11
    )
    remiss = Remiss.objects.get(registration_number="KS 2019/1543")
    assert remiss.sender.name == "Kommunstyrelsen"
    assert remiss.deadline == datetime.date(2019, 12, 13)
    assert remiss.recipients.count() == 29
    assert remiss.attachments.count() == 1
    open_remiss = Remiss.objects.exclude(pk=remiss.pk).get()
    assert open_remiss.deadline > datetime.date.today()
    assert open_remiss.deadline.weekday() < 5
    assert open_remiss.programme == remiss.programme
    sodermalm = open_remiss.recipients.get(organisation__name="Södermalms stadsdelsnämnd")
    assert not Statement.objects.filter(recipient=sodermalm).exists()
    assert open_remiss.recipients.count() == 26  # 11 districts, 14 boards, the fire brigade
    council = {
        "ordforande",
        "vice_ordforande",
        "justerare",
        "ledamot",
        *[f"ledamot{n}" for n in range(2, 9)],
        "ersattare",
        *[f"ersattare{n}" for n in range(2, 12)],
    }
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        *["handlaggare", "direktor", "sekreterare", "ks", "stadsdirektor", "kungsholmen"],
        "admin",
        *council,
    }


def test_the_mergers_are_recorded_as_successors(seeded):
    alvsjo = Organisation.objects.get(name="Älvsjö stadsdelsnämnd")
    rinkeby = Organisation.objects.get(name="Rinkeby-Kista stadsdelsnämnd")
    ostermalm = Organisation.objects.get(name="Östermalms stadsdelsnämnd")

    assert (alvsjo.valid_to, alvsjo.successor.name) == (
        datetime.date(2020, 6, 30),
        "Hägersten-Älvsjö stadsdelsnämnd",
    )
    assert alvsjo.successor.valid_from == datetime.date(2020, 7, 1)
    assert rinkeby.successor.name == "Järva stadsdelsnämnd"
    assert ostermalm.successor.name == "Norra innerstadens stadsdelsnämnd"
    assert rinkeby.successor.valid_from == datetime.date(2023, 7, 1)


def test_a_second_run_changes_nothing(seeded):
    before = counts()

    output = seed()

    assert counts() == before
    assert "inget ändrades" in output


def test_a_second_run_keeps_edits_made_in_the_portal(seeded):
    sodermalm = Organisation.objects.get(registry_prefix="SÖD")
    sodermalm.administration = "Södermalms stadsdelsförvaltning (ny adress)"
    sodermalm.save()

    seed()

    sodermalm.refresh_from_db()
    assert sodermalm.administration == "Södermalms stadsdelsförvaltning (ny adress)"


def fixture_sections() -> dict[str, str]:
    """The transcription's "## " sections, read here independently of the seed code."""
    text = FIXTURE.read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)\n", text, flags=re.MULTILINE)
    return {heading: body.strip() for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_the_sodermalm_statement_equals_the_fixture_section_by_section(seeded):
    statement = Statement.objects.get(recipient__organisation__name="Södermalms stadsdelsnämnd")
    expected = fixture_sections()
    views, signature = expected["Synpunkter och förslag"].rsplit("\n\n", 1)

    assert [heading for heading, _ in statement.sections()] == [
        "Sammanfattning",
        "Bakgrund",
        "Ärendets beredning",
        "Ärendet",
        "Synpunkter och förslag",
    ]
    for heading, text in statement.sections():
        wanted = views if heading == "Synpunkter och förslag" else expected[heading]
        assert text == wanted, heading
    assert signature == "Ann-Christine Jenvén\nStadsdelsdirektör"
    assert statement.proposals == [
        "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen.",
        "Beslutet justeras omedelbart.",
    ]
    assert statement.title == "Stockholms stads säkerhetsprogram 2020–2023"
    assert statement.reference_line == "Svar på remiss från kommunstyrelsen, dnr KS 2019/1543"
    assert (statement.phone, statement.addressed_to, statement.date) == (
        "08-508 121 92",
        "Södermalms stadsdelsnämnd",
        datetime.date(2019, 12, 12),
    )
    assert statement.case_officer.get_full_name() == "Eva-Lena Eirefelt"
    assert statement.recipient.registration_number == "SÖD 2019/1102"
    assert statement.status == Statement.Status.DELIVERED
    version = statement.versions.get()
    assert (version.number, statement.version) == (1, 1)
    assert version.content["sections"]["matter"] == expected["Ärendet"]


def test_the_statement_carries_its_preparation_views_and_attachment(seeded):
    statement = Statement.objects.get()

    assert [(s.get_kind_display(), s.date) for s in statement.preparation_steps.all()] == [
        ("Intern beredning", None),
        ("Förvaltningsgrupp", datetime.date(2019, 12, 2)),
        ("Pensionärsråd", datetime.date(2019, 12, 2)),
        ("Råd för funktionshindersfrågor", datetime.date(2019, 12, 3)),
    ]
    views = {v.focus_area.number: v.text for v in statement.focus_area_views.all()}
    assert sorted(views) == [1, 3, 5]
    assert all(text in statement.views for text in views.values())
    attachment = statement.attachments.get()
    assert attachment.title == "Stockholms stads säkerhetsprogram 2020–2023"
    with attachment.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_every_demo_user_logs_in_with_the_password_demo(seeded, client):
    for username in [
        "handlaggare",
        "direktor",
        "sekreterare",
        "ordforande",
        "justerare",
        "ks",
        "kungsholmen",
        "admin",
    ]:
        assert client.login(username=username, password="demo"), username
    eva = get_user_model().objects.get(username="handlaggare")
    assert eva.memberships.get().get_role_display() == "Handläggare"
    assert eva.memberships.get().organisation.registry_prefix == "SÖD"


def test_the_decision_of_12_december_2019_is_replayed_through_the_workflow(seeded):
    from remiss.models import Decision, Meeting, StatusEvent

    statement = Statement.objects.get()
    meeting = Meeting.objects.get()
    decision = Decision.objects.get(item__statement=statement)

    assert (meeting.date, meeting.organisation.name) == (
        datetime.date(2019, 12, 12),
        "Södermalms stadsdelsnämnd",
    )
    assert (decision.item.number, decision.get_outcome_display(), decision.immediate) == (
        2,
        "Bifall",
        True,
    )
    assert decision.justified_on == datetime.date(2019, 12, 12)
    assert (statement.signer_name, statement.signer_title) == (
        "Ann-Christine Jenvén",
        "Stadsdelsdirektör",
    )
    recipient = statement.recipient
    assert recipient.status == Recipient.Status.DELIVERED
    delivered = recipient.delivered_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert delivered.date() == datetime.date(2019, 12, 12) < recipient.deadline
    assert list(
        StatusEvent.objects.filter(statement=statement).values_list("from_status", "to_status")
    ) == [
        ("draft", "in_review"),
        ("in_review", "ready"),
        ("ready", "on_agenda"),
        ("on_agenda", "decided"),
        ("decided", "justified"),
        ("awaiting", "delivered"),  # the delivery is one event, the recipient's
    ]
    assert meeting.minutes_justified_on == datetime.date(2019, 12, 17)
    # Justified by the chair and the justerare themselves: § 2 at once, then the protokoll.
    signatures = [
        (s.user.username, s.decision_id, f"{timezone.localtime(s.signed_at):%Y-%m-%d %H:%M}")
        for s in meeting.signatures.order_by("signed_at")
    ]
    assert signatures == [
        ("ordforande", decision.pk, "2019-12-12 19:05"),
        ("justerare", decision.pk, "2019-12-12 19:07"),
        ("ordforande", None, "2019-12-17 10:00"),
        ("justerare", None, "2019-12-17 10:20"),
    ]
    assert [(n.paragraphs, n.posted_on, n.appeal_ends) for n in meeting.notices.order_by("pk")] == [
        ("§ 2", datetime.date(2019, 12, 12), datetime.date(2020, 1, 2)),
        ("§§ 1–2", datetime.date(2019, 12, 17), datetime.date(2020, 1, 7)),
    ]


def test_the_seed_council_has_eleven_ledamoter_and_eleven_ersattare_marked_as_demo_data(seeded):
    from remiss.models import Seat

    seats = Seat.objects.filter(
        organisation__name="Södermalms stadsdelsnämnd", term_starts=datetime.date(2019, 1, 1)
    )
    assert seats.filter(kind=Seat.Kind.MEMBER).count() == 11
    assert seats.filter(kind=Seat.Kind.SUBSTITUTE).count() == 11
    assert not seats.filter(illustrative=False).exists()
    assert seats.get(office=Seat.Office.CHAIR).person.username == "ordforande"


def test_the_seed_meeting_is_quorate_with_its_chair_and_justerare(seeded):
    from remiss import council
    from remiss.models import Meeting

    meeting = Meeting.objects.get()
    for item in meeting.items.all():
        assert len(council.require_quorum(item)) == 11  # ten ledamöter and one ersättare
    assert meeting.chair.username == "ordforande"
    assert meeting.chair_capacity == Meeting.ChairCapacity.CHAIR
    assert [u.username for u in meeting.justifiers.all()] == ["justerare"]
    assert meeting.justification_date == datetime.date(2019, 12, 17)


def test_the_seed_cases_timeline_reads_as_swedish_sentences_one_line_per_event(seeded, client):
    """Issue 10: the timeline prints sentences, never codes, and never one action twice."""
    from remiss.models import StatusEvent

    statement = Statement.objects.get()
    client.login(username="handlaggare", password="demo")
    body = client.get(f"/utlatanden/{statement.pk}/").content.decode()
    timeline = body[
        body.index('<ol class="timeline">') : body.index("</ol>", body.index("timeline"))
    ]
    lines = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in timeline.split("<li>")[1:]]

    assert lines == [
        "2019-10-01 09:00 Södermalms stadsdelsnämnd fick remissen från Kommunstyrelsen. "
        "Svarsdatum 2019-12-13.",
        "2019-12-04 10:00 Eva-Lena Eirefelt lämnade utlåtandet till granskning.",
        "2019-12-04 15:00 Ann-Christine Jenvén signerade utlåtandet.",
        "2019-12-05 09:00 Maja Berg satte upp utlåtandet på nämndens föredragningslista. "
        "Sammanträdet 2019-12-12, § 2.",
        "2019-12-12 18:40 Nämnden beslutade i ärendet; Maja Berg protokollförde beslutet. "
        "Beslut: bifall (§ 2, sammanträdet 2019-12-12).",
        "2019-12-12 19:07 Beslutet justerades. "
        "Paragrafen justerades omedelbart 2019-12-12. Anslaget 2019-12-12.",
        "2019-12-12 19:07 Svaret expedierades till Kommunstyrelsen.",
    ]
    codes = set(StatusEvent.Action.values) | set(Statement.Status.values)
    words = {word for line in lines for word in re.findall(r"[\w-]+", line)}
    assert not words & codes
    actions = list(statement.recipient.events.values_list("action", flat=True))
    assert len(actions) == len(set(actions)) == len(lines)


def test_the_2019_round_is_closed_and_the_missing_replies_are_ej_inkommit(seeded, client):
    """Issue 16: not "2545 dagar försenad" for ever."""
    remiss = Remiss.objects.get(registration_number="KS 2019/1543")
    assert remiss.closed_on == datetime.date(2020, 1, 15)
    statuses = dict(remiss.recipients.values_list("organisation__name", "status").order_by())
    assert statuses.pop("Södermalms stadsdelsnämnd") == "delivered"
    assert set(statuses.values()) == {"not_received"} and len(statuses) == 28
    client.login(username="ks", password="demo")
    board = client.get(f"/remisser/{remiss.pk}/").content.decode()
    assert "försenad" not in board and "Ej inkommit" in board
    # The outside organisations are demo remittents and instanser, not recipients of 2019.
    assert not remiss.recipients.filter(organisation__contact_email__gt="").exists()
