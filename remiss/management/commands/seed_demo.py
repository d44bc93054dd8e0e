"""Load the Södermalm case of December 2019 as demo data (idempotent).

Creates what is missing and leaves what exists untouched, so a second run changes nothing, and
edits made in the portal survive a re-run. Refuses to run with DEBUG off: the demo users all have
the password "demo".
"""

import contextlib
import datetime
import functools
import hashlib
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from programs.models import FocusArea, Programme
from remiss import notifications, signed_text, signing, workflow
from remiss.demo import statement_text
from remiss.demo.stockholm import organisation_rows
from remiss.drafting import snapshot
from remiss.models import (
    Attachment,
    Decision,
    Delegation,
    FocusAreaView,
    Meeting,
    Membership,
    Organisation,
    PreparationStep,
    Recipient,
    Remiss,
    Seat,
    Statement,
    StatementVersion,
    StatusEvent,
)
from remiss.models.organisations import OUTSIDE_KINDS

Role = Membership.Role

PROGRAMME = {
    "name": "Stockholms stads säkerhetsprogram 2020–2023",
    "period_start": 2020,
    "period_end": 2023,
    "adopted_on": datetime.date(2020, 3, 23),
    "legal_basis": (
        "Lag (2006:544) om kommuners och landstings åtgärder inför och vid extraordinära "
        "händelser i fredstid och höjd beredskap.\n"
        "Lag (2003:778) om skydd mot olyckor.\n"
        "Säkerhetsskyddslagen (2018:585).\n"
        "Överenskommelsen mellan MSB och SKL om kommunernas krisberedskap 2019–2022."
    ),
    "description": (
        "Programmet leder stadens samlade säkerhetsarbete mot kommunfullmäktiges mål om en trygg, "
        "säker och välskött stad att bo och vistas i. Arbetet delas in i fem sammanlänkade "
        "fokusområden, vart och ett med egna övergripande mål."
    ),
}
FOCUS_AREAS = [
    "Krisberedskap",
    "Civilt försvar",
    "Säkerhetsskydd och informationssäkerhet",
    "Förebygga olyckor",
    "Otillåten påverkan samt hot och våld mot anställda",
]

REMISS_NUMBER = "KS 2019/1543"
# The send date is not in the seed document; the beginning of October 2019 is assumed.
REMISS_SENT = datetime.date(2019, 10, 1)
REMISS_DEADLINE = datetime.date(2019, 12, 13)
ROUND_CLOSED = datetime.date(2020, 1, 15)  # assumed: the seed document does not say
SODERMALM = "Södermalms stadsdelsnämnd"
OPEN_REMISS_TITLE = "Uppföljning av Stockholms stads säkerhetsprogram 2020–2023"
SODERMALM_NUMBER = "SÖD 2019/1102"

# username, first name, last name, organisation, role, title, phone
DEMO_USERS = [
    (
        "handlaggare",
        "Eva-Lena",
        "Eirefelt",
        SODERMALM,
        Role.CASE_OFFICER,
        "Handläggare",
        "08-508 121 92",
    ),
    (
        "direktor",
        "Ann-Christine",
        "Jenvén",
        SODERMALM,
        Role.HEAD_OF_ADMINISTRATION,
        "Stadsdelsdirektör",
        "",
    ),
    ("sekreterare", "Maja", "Berg", SODERMALM, Role.SECRETARY, "Nämndsekreterare", ""),
    ("ordforande", "Per", "Holm", SODERMALM, Role.CHAIR, "Ordförande", ""),
    ("justerare", "Lena", "Ek", SODERMALM, Role.JUSTIFIER, "Justerare", ""),
    ("ks", "Johan", "Sund", "Kommunstyrelsen", Role.REMISS_COORDINATOR, "Remissamordnare", ""),
    # Stadsledningskontoret also drafts kommunstyrelsen's own replies (issue 16): the
    # coordinator writes, the stadsdirektör signs.
    ("ks", "Johan", "Sund", "Kommunstyrelsen", Role.CASE_OFFICER, "Remissamordnare", ""),
    (
        "stadsdirektor",
        "Malin",
        "Ek",
        "Kommunstyrelsen",
        Role.HEAD_OF_ADMINISTRATION,
        "Stadsdirektör",
        "",
    ),
    (
        "kungsholmen",
        "Nora",
        "Falk",
        "Kungsholmens stadsdelsnämnd",
        Role.CASE_OFFICER,
        "Handläggare",
        "",
    ),
    ("ledamot", "Sara", "Lind", SODERMALM, Role.MEMBER, "Ledamot", ""),
    ("ledamot2", "Omar", "Haddad", SODERMALM, Role.MEMBER, "Ledamot", ""),
    ("ledamot3", "Karin", "Nyström", SODERMALM, Role.MEMBER, "Ledamot", ""),
    ("ersattare", "Erik", "Sjöberg", SODERMALM, Role.SUBSTITUTE, "Ersättare", ""),
]
# Södermalms stadsdelsnämnd 2019–2022: eleven ledamöter and eleven ersättare. The names and
# parties are illustrative demo data, not the council's real members (Seat.illustrative).
# username, first name, last name, party, office
COUNCIL_TERM = (datetime.date(2019, 1, 1), datetime.date(2022, 12, 31))
COUNCIL_MEMBERS = [
    ("ordforande", "Per", "Holm", "M", "chair"),
    ("vice_ordforande", "Amira", "Said", "S", "vice_chair"),
    ("justerare", "Lena", "Ek", "V", ""),
    ("ledamot", "Sara", "Lind", "L", ""),
    ("ledamot2", "Omar", "Haddad", "S", ""),
    ("ledamot3", "Karin", "Nyström", "MP", ""),
    ("ledamot4", "Johan", "Lund", "M", ""),
    ("ledamot5", "Fatima", "Ali", "S", ""),
    ("ledamot6", "Gustav", "Ström", "C", ""),
    ("ledamot7", "Ingrid", "Wall", "KD", ""),
    ("ledamot8", "Mikael", "Borg", "SD", ""),
]
COUNCIL_SUBSTITUTES = [
    ("ersattare", "Erik", "Sjöberg", "M", ""),
    ("ersattare2", "Hanna", "Björk", "S", ""),
    ("ersattare3", "Ali", "Rahimi", "V", ""),
    ("ersattare4", "Sofia", "Engström", "L", ""),
    ("ersattare5", "Daniel", "Kask", "S", ""),
    ("ersattare6", "Elin", "Mark", "MP", ""),
    ("ersattare7", "Nils", "Hed", "M", ""),
    ("ersattare8", "Leila", "Nasser", "S", ""),
    ("ersattare9", "Tove", "Almqvist", "C", ""),
    ("ersattare10", "Viktor", "Sand", "KD", ""),
    ("ersattare11", "Ronja", "Sjö", "SD", ""),
]


def council_terms(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Mandatperioder of four years from 2019 up to the one that includes `today`."""
    terms = []
    start = COUNCIL_TERM[0].year
    while True:
        terms.append((datetime.date(start, 1, 1), datetime.date(start + 3, 12, 31)))
        if start + 3 >= today.year:
            return terms
        start += 4


DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password, refused when DEBUG is off

# Which paragraphs of "Synpunkter och förslag" speak to which focus area (by number).
VIEWS_BY_FOCUS_AREA = {
    1: "Förvaltningen anser att det är angeläget med samordning",
    3: "Förvaltningen har en informationssäkerhetssamordnare",
    5: "Förvaltningen har under år 2019 tagit fram nya rutiner vid hot och våld",
}


class Command(BaseCommand):
    help = "Läser in Södermalms remissvar från december 2019 som demodata (kan köras flera gånger)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo skapar demoanvändare med lösenordet 'demo' och körs bara när DEBUG=1."
            )
        with transaction.atomic():
            created = self.seed()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demodata inläst: {created} nya poster."))
        else:
            self.stdout.write("Demodata fanns redan; inget ändrades.")

    def seed(self) -> int:
        self.created = 0
        programme = self.get_or_create(Programme, name=PROGRAMME["name"], defaults=PROGRAMME)
        focus_areas = {
            number: self.get_or_create(
                FocusArea, programme=programme, number=number, defaults={"title": title}
            )
            for number, title in enumerate(FOCUS_AREAS, start=1)
        }

        organisations: dict[str, Organisation] = {}
        for row in organisation_rows():
            successor = row.pop("successor", None)
            if successor:
                row["successor"] = organisations[successor]
            organisations[row["name"]] = self.get_or_create(
                Organisation, name=row["name"], defaults=row
            )

        users = self.seed_users(organisations)

        ks = organisations["Kommunstyrelsen"]
        remiss = self.get_or_create(
            Remiss,
            sender=ks,
            registration_number=REMISS_NUMBER,
            defaults={
                "title": PROGRAMME["name"],
                "programme": programme,
                "description": (
                    "Stadsledningskontoret har tagit fram ett förslag till nytt säkerhetsprogram "
                    "för 2020–2023, en revidering av stadens trygghets- och säkerhetsprogram "
                    "2018–2021. Kommunstyrelsen remitterar förslaget till samtliga "
                    "stadsdelsnämnder, samtliga facknämnder och Storstockholms brandförsvar."
                ),
                "sent_on": REMISS_SENT,
                "deadline": REMISS_DEADLINE,
            },
        )
        programme_pdf = None
        if not remiss.attachments.exists():
            programme_pdf = programme_draft_pdf()
            self.attach(remiss=remiss, title=PROGRAMME["name"], content=programme_pdf)

        for organisation in (
            Organisation.objects.valid_on(REMISS_SENT)
            .exclude(pk=ks.pk)
            .exclude(kind__in=OUTSIDE_KINDS)
        ):
            self.get_or_create(
                Recipient,
                remiss=remiss,
                organisation=organisation,
                defaults={
                    "registration_number": SODERMALM_NUMBER
                    if organisation.name == SODERMALM
                    else ""
                },
            )

        received_at = timezone.make_aware(datetime.datetime.combine(REMISS_SENT, datetime.time(9)))
        StatusEvent.objects.bulk_create(
            workflow.new_event(
                recipient=recipient,
                action=StatusEvent.Action.RECEIVED,
                user=users["ks"],
                at=received_at,
                target=Recipient.Status.AWAITING,
                comment=f"Svarsdatum {REMISS_DEADLINE:%Y-%m-%d}.",
            )
            for recipient in remiss.recipients.filter(events__isnull=True)
        )
        recipient = Recipient.objects.get(remiss=remiss, organisation=organisations[SODERMALM])
        self.seed_statement(recipient, users["handlaggare"], focus_areas, programme_pdf)
        self.close_round(remiss, users["ks"])
        self.seed_open_remiss(ks, programme)
        return self.created

    def close_round(self, remiss: Remiss, coordinator) -> None:
        """The 2019 round ends: after the deadline kommunstyrelsen closed it, and the bodies
        that had not answered are "ej inkommit", not late for ever. The day is assumed (the
        seed document does not say), a month after the deadline; no mail for the past."""
        if remiss.closed_on is not None:
            return
        with notifications.suppressed():
            workflow.close_round(
                remiss=remiss,
                user=coordinator,
                today=ROUND_CLOSED,
                at=timezone.make_aware(datetime.datetime.combine(ROUND_CLOSED, datetime.time(9))),
            )
        self.created += 1

    def seed_open_remiss(self, ks: Organisation, programme: Programme) -> None:
        """A remiss nobody has answered yet, due some weeks after the day of seeding, so that
        drafting can be tried on any day. Its dates are set once, when it is first created."""
        # Södermalm's delegationsordning: the stadsdelsdirektör answers remisses marked for it.
        self.get_or_create(
            Delegation,
            organisation=Organisation.objects.get(name=SODERMALM),
            role=Role.HEAD_OF_ADMINISTRATION,
            defaults={"reference": "1.4"},
        )
        if Remiss.objects.filter(sender=ks, title=OPEN_REMISS_TITLE).exists():
            return
        today = timezone.localdate()
        sent = today - datetime.timedelta(days=7)
        deadline = today + datetime.timedelta(days=42)
        while deadline.weekday() >= 5:  # a deadline on a weekend moves to the Monday
            deadline += datetime.timedelta(days=1)
        remiss = self.get_or_create(
            Remiss,
            sender=ks,
            registration_number=f"KS {sent.year}/0815",
            defaults={
                "title": OPEN_REMISS_TITLE,
                "programme": programme,
                "description": (
                    "Stadsledningskontoret har följt upp hur nämnderna har arbetat inom "
                    "säkerhetsprogrammets fem fokusområden och ber om synpunkter på "
                    "uppföljningen och på vad nästa program bör ta upp.\n\n"
                    "*Demoremiss:* den skapas med svarsdatum några veckor fram i tiden, så att "
                    "portalen kan provas vilken dag som helst."
                ),
                "sent_on": sent,
                "deadline": deadline,
                # A follow-up that the förvaltningschef may answer on delegation.
                "delegable": True,
            },
        )
        for organisation in (
            Organisation.objects.valid_on(sent).exclude(pk=ks.pk).exclude(kind__in=OUTSIDE_KINDS)
        ):
            self.get_or_create(Recipient, remiss=remiss, organisation=organisation)

    def seed_users(self, organisations: dict[str, Organisation]) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last, org_name, role, title, phone in DEMO_USERS:
            user = self.demo_user(User, username, first_name=first, last_name=last)
            self.get_or_create(
                Membership,
                user=user,
                organisation=organisations[org_name],
                role=role,
                defaults={"title": title, "phone": phone},
            )
            users[username] = user
        council = organisations[SODERMALM]
        for term in council_terms(timezone.localdate()):
            self.seed_council(User, council, users, term)
        self.demo_user(
            User,
            "admin",
            first_name="Administratör",
            is_staff=True,
            is_superuser=True,
        )
        return users

    def seed_council(self, User, council: Organisation, users: dict, term) -> None:
        """The council's seats for one term; the same illustrative people in every term, so
        that the demo's meetings are quorate on any day."""
        for kind, rows, role in [
            (Seat.Kind.MEMBER, COUNCIL_MEMBERS, Role.MEMBER),
            (Seat.Kind.SUBSTITUTE, COUNCIL_SUBSTITUTES, Role.SUBSTITUTE),
        ]:
            for position, (username, first, last, party, office) in enumerate(rows, start=1):
                user = users.get(username) or self.demo_user(
                    User, username, first_name=first, last_name=last
                )
                if username not in users:
                    label = "Ersättare" if kind == Seat.Kind.SUBSTITUTE else "Ledamot"
                    self.get_or_create(
                        Membership,
                        user=user,
                        organisation=council,
                        role=role,
                        defaults={"title": label},
                    )
                    users[username] = user
                self.get_or_create(
                    Seat,
                    organisation=council,
                    person=user,
                    term_starts=term[0],
                    defaults={
                        "kind": kind,
                        "position": position,
                        "party": party,
                        "office": office,
                        "term_ends": term[1],
                        "illustrative": True,
                    },
                )

    def demo_user(self, User, username: str, **fields):
        user, created = User.objects.get_or_create(
            username=username, defaults={**fields, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.created += 1
        return user

    def seed_statement(self, recipient, case_officer, focus_areas, programme_pdf) -> None:
        text = statement_text.load()
        sections = text.sections
        statement, created = Statement.objects.get_or_create(
            recipient=recipient,
            defaults={
                "case_officer": case_officer,
                "phone": text.phone,
                "addressed_to": text.addressed_to,
                "date": text.date,
                "title": text.title,
                "reference_line": text.reference_line,
                "proposals": text.proposals,
                "summary": sections["Sammanfattning"],
                "background": sections["Bakgrund"],
                "preparation": sections["Ärendets beredning"],
                "matter": sections["Ärendet"],
                "views": sections["Synpunkter och förslag"],
                "version": 1,
            },
        )
        if not created:
            return
        self.created += 1
        steps = [
            (
                PreparationStep.Kind.INTERNAL,
                "Stadsdelsdirektörens stab med förvaltningens säkerhetssamordnare, HR-avdelningen "
                "och informationssäkerhetssamordnaren",
                None,
            ),
            (PreparationStep.Kind.STAFF_GROUP, "Förvaltningsgruppen", datetime.date(2019, 12, 2)),
            (
                PreparationStep.Kind.PENSIONERS_COUNCIL,
                "Pensionärsrådet",
                datetime.date(2019, 12, 2),
            ),
            (
                PreparationStep.Kind.DISABILITY_COUNCIL,
                "Rådet för funktionshindersfrågor",
                datetime.date(2019, 12, 3),
            ),
        ]
        for kind, who, date in steps:
            PreparationStep.objects.create(statement=statement, kind=kind, who=who, date=date)
            self.created += 1
        paragraphs = statement.views.split("\n\n")
        for number, opening in VIEWS_BY_FOCUS_AREA.items():
            paragraph = next(p for p in paragraphs if p.startswith(opening))
            FocusAreaView.objects.create(
                statement=statement, focus_area=focus_areas[number], text=paragraph
            )
            self.created += 1
        for position, title in enumerate(text.attachments, start=1):
            self.attach(
                statement=statement,
                title=title,
                content=programme_pdf or programme_draft_pdf(),
                position=position,
            )
        StatementVersion.objects.create(
            statement=statement,
            number=1,
            author=case_officer,
            created_at=timezone.make_aware(datetime.datetime.combine(text.date, datetime.time(9))),
            note="Inläst från demodata (tjänsteutlåtandet 2019-12-12)",
            content=snapshot(statement),
        )
        self.created += 1
        self.replay_decision(statement)

    def replay_decision(self, statement: Statement) -> None:
        """The case as it went in December 2019, through the workflow like any case: signed,
        on the agenda of the meeting of 12 December, adopted and justified at once, delivered
        the same evening, a day before the deadline. No mail is sent for the past."""
        names = [row[0] for row in COUNCIL_MEMBERS + COUNCIL_SUBSTITUTES]
        users = get_user_model().objects.in_bulk(
            ["handlaggare", "direktor", "sekreterare", *names], field_name="username"
        )
        council = statement.recipient.organisation

        def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
            return timezone.make_aware(datetime.datetime(2019, 12, day, hour, minute))

        with notifications.suppressed():
            workflow.submit(statement=statement, user=users["handlaggare"], at=at(4, 10))
            workflow.sign(statement=statement, user=users["direktor"], at=at(4, 15))
            meeting = workflow.create_meeting(
                organisation=council,
                user=users["sekreterare"],
                new=workflow.NewMeeting(
                    date=datetime.date(2019, 12, 12),
                    starts_at=datetime.time(18, 0),
                    place="Södermalms stadsdelsförvaltning, Götgatan 124",
                ),
            )
            seats = {s.person_id: s for s in Seat.objects.filter(organisation=council)}
            # Ten of the eleven ledamöter came; the first ersättare of the absent ledamot's
            # side served in her place: quorate (KL 6 kap. 27 §) with eleven serving.
            absent = users["ledamot8"]
            rows = [
                workflow.AttendanceRow(user_id=users[name].pk)
                for name, *_ in COUNCIL_MEMBERS
                if users[name] != absent
            ]
            rows.append(
                workflow.AttendanceRow(
                    user_id=users["ersattare11"].pk, replaces=seats[absent.pk].pk
                )
            )
            rows += [
                workflow.AttendanceRow(user_id=users[name].pk, serving=False)
                for name in ["ersattare", "ersattare2", "ersattare3"]
            ]
            workflow.record_attendance(
                meeting=meeting,
                user=users["sekreterare"],
                rows=rows,
                chair=users["ordforande"],
                justifiers=[users["justerare"]],
                at=at(12, 18),
            )
            workflow.change_meeting_details(
                meeting=meeting,
                user=users["sekreterare"],
                reason="Justeringens tid och plats bestämdes vid sammanträdet.",
                other_participants="Ann-Christine Jenvén, stadsdelsdirektör\n"
                "Eva-Lena Eirefelt, handläggare",
                justification_place="Södermalms stadsdelsförvaltning",
                justification_date=datetime.date(2019, 12, 17),
                at=at(12, 18, 2),
            )
            workflow.add_agenda_item(
                meeting=meeting, user=users["sekreterare"], title="Val av justerare"
            )
            item = workflow.put_on_agenda(
                statement=statement, meeting=meeting, user=users["sekreterare"], at=at(5, 9)
            )
            workflow.record_decision(
                item=meeting.items.get(number=1),
                user=users["sekreterare"],
                at=at(12, 18, 5),
                record=workflow.DecisionRecord(
                    outcome=Decision.Outcome.ADOPTED,
                    text="Lena Ek utses att jämte ordföranden justera protokollet.",
                ),
            )
            decision = workflow.record_decision(
                item=item,
                user=users["sekreterare"],
                at=at(12, 18, 40),
                record=workflow.DecisionRecord(
                    outcome=Decision.Outcome.ADOPTED,
                    text="\n".join(
                        f"{n}. {text}" for n, text in enumerate(statement.proposals, start=1)
                    ),
                    immediate=True,
                ),
            )
            # The chair and the justerare justified § 2 at once, right after the meeting, and
            # the whole protokoll five days later, each for themselves.
            for name, moment in [("ordforande", at(12, 19, 5)), ("justerare", at(12, 19, 7))]:
                with replayed_at(moment):
                    text = signed_text.sha256(
                        signed_text.extract_text(Decision.objects.get(pk=decision.pk))
                    )
                    workflow.justify_paragraph(
                        decision=decision,
                        user=users[name],
                        confirmation=confirm(users[name], text),
                        sha256=text,
                    )
            for name, moment in [("ordforande", at(17, 10)), ("justerare", at(17, 10, 20))]:
                with replayed_at(moment):
                    text = signed_text.sha256(
                        signed_text.minutes_text(Meeting.objects.get(pk=meeting.pk))
                    )
                    workflow.justify_minutes(
                        meeting=meeting,
                        user=users[name],
                        confirmation=confirm(users[name], text),
                        sha256=text,
                    )
        self.created += 1

    def attach(self, *, title: str, content: bytes, position: int = 1, **owner) -> None:
        digest = hashlib.sha256(content).hexdigest()
        attachment = Attachment(
            title=title,
            original_name=f"{title}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=digest,
            position=position,
            **owner,
        )
        attachment.file.save(f"{digest}.pdf", ContentFile(content), save=False)
        attachment.save()
        self.created += 1

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += created
        return obj


@contextlib.contextmanager
def replayed_at(moment: datetime.datetime):
    """The seed case is history: its justifications happened in December 2019. The workflow
    dates a justification by the clock, never by an argument, so the replay sets the clock to
    the moment each one happened."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def confirm(user, sha256: str) -> signing.Confirmation:
    """The demo users confirm with the demo password, as they would on the signing page."""
    return signing.PasswordBackend().confirm(
        request=None, user=user, data={"password": DEMO_PASSWORD}, sha256=sha256
    )


@functools.cache
def programme_draft_pdf() -> bytes:
    """A short stand-in for the programme draft: the real draft is not part of the seed case."""
    from weasyprint import HTML  # imported here: loading Pango is slow and only needed once

    areas = "".join(f"<li>{title}</li>" for title in FOCUS_AREAS)
    legal_basis = PROGRAMME["legal_basis"].replace("\n", "<br>")
    html = f"""<!doctype html><html lang="sv"><head><meta charset="utf-8">
    <title>{PROGRAMME["name"]}</title>
    <style>@page {{ size: A4; margin: 25mm; }} body {{ font-family: sans-serif; }}</style></head>
    <body><p>Stockholms stad · Kommunstyrelsen · {REMISS_NUMBER}</p>
    <h1>{PROGRAMME["name"]}</h1><p><strong>Remissversion – demodokument.</strong>
    Den verkliga remissversionen ingår inte i demodata; detta dokument står i dess ställe.</p>
    <p>{PROGRAMME["description"]}</p><h2>Fokusområden</h2><ol>{areas}</ol>
    <h2>Rättslig grund</h2><p>{legal_basis}</p></body></html>"""
    return HTML(string=html).write_pdf()
