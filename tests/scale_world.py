"""The case the scale-out test walks through, built in its throw-away database by a separate
process (`manage.py shell -c`), the way an administrator's data would already be there: the
seed case's people, a remiss to Södermalm with the statement started, a meeting. Prints the ids
as JSON on the last line."""

import datetime
import json

from programs.models import FocusArea, Programme
from remiss import drafting, workflow
from remiss.models import Attendance, Meeting, Membership, Recipient, Remiss, Seat, Statement
from tests.conftest import make_organisation, make_seat, make_user

Role = Membership.Role


def build() -> None:
    programme = Programme.objects.create(
        name="Stockholms stads säkerhetsprogram 2020–2023", period_start=2020, period_end=2023
    )
    FocusArea.objects.create(programme=programme, number=1, title="Krisberedskap")
    ks = make_organisation("Kommunstyrelsen", "executive_board", registry_prefix="KS")
    sodermalm = make_organisation(
        "Södermalms stadsdelsnämnd",
        administration="Södermalms stadsdelsförvaltning",
        registry_prefix="SÖD",
    )
    remiss = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2019/1543",
        title=programme.name,
        programme=programme,
        sent_on=datetime.date(2019, 10, 1),
        deadline=datetime.date(2019, 12, 13),
    )
    recipient = Recipient.objects.create(
        remiss=remiss, organisation=sodermalm, registration_number="SÖD 2019/1102"
    )
    handlaggare = make_user("handlaggare", sodermalm, Role.CASE_OFFICER)
    make_user("direktor", sodermalm, Role.HEAD_OF_ADMINISTRATION, title="Stadsdelsdirektör")
    sekreterare = make_user("sekreterare", sodermalm, Role.SECRETARY)
    ordforande = make_user("ordforande", sodermalm, Role.CHAIR)
    justerare = make_user("justerare", sodermalm, Role.JUSTIFIER)
    make_user("ks", ks, Role.REMISS_COORDINATOR)
    statement = drafting.start_statement(recipient=recipient, user=handlaggare)
    meeting = Meeting.objects.create(
        organisation=sodermalm,
        date=datetime.date(2019, 12, 12),
        place="Södermalmsrummet",
        chair=ordforande,
        secretary=sekreterare,
    )
    meeting.justifiers.add(justerare)
    # A council of three, all present and serving: the meeting is quorate (KL 6 kap. 27 §).
    ledamot = make_user("ledamot", sodermalm, Role.MEMBER)
    for position, person in enumerate([ordforande, justerare, ledamot], start=1):
        seat = make_seat(
            sodermalm,
            person,
            Seat.Kind.MEMBER,
            position,
            office=Seat.Office.CHAIR if position == 1 else "",
        )
        Attendance.objects.create(meeting=meeting, user=person, seat=seat, serving=True)
    print(json.dumps({"statement": statement.pk, "meeting": meeting.pk}))


def sign_and_put_on_agenda(statement_id: int) -> None:
    """What the direktor and the sekreterare do between the upload and the decision."""
    statement = Statement.objects.get(pk=statement_id)
    User = statement.case_officer.__class__
    workflow.submit(statement=statement, user=statement.case_officer)
    workflow.sign(statement=statement, user=User.objects.get(username="direktor"))
    meeting = Meeting.objects.get(organisation=statement.recipient.organisation)
    item = workflow.put_on_agenda(
        statement=statement, meeting=meeting, user=User.objects.get(username="sekreterare")
    )
    print(json.dumps({"number": item.number}))
