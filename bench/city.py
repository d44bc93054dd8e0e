"""A large city for the load benchmark (bench/load.py), written with bulk_create, not the web.

On top of the demo data (seed_demo: Stockholm's organisations, the demo users, the seed case and
its archived PDFs) it adds, in a few bulk inserts per table:

- generated organisations (company boards), so that each remiss has enough recipients;
- REMISSES remisses from kommunstyrelsen, sent over the last two years, each to PER_REMISS
  recipients (Södermalm always among them, so that `handlaggare` has a long inbox);
- statements in every state (draft to delivered) with several versions each, their status
  events, focus-area views, preparation steps and simple-history rows; meetings, agenda items and
  decisions for those that reached the council; archived reply PDFs (StoredDocument) for part of
  the delivered replies, all pointing at the seed case's real reply file with its SHA-256;
- one "showcase" remiss (most of its recipients delivered, the rest one in each state) for the
  status board and the compilation, and one Södermalm draft with many versions;
- users with memberships: a case officer per organisation, and the load test's virtual users
  (handläggare who each own one draft statement, and remissamordnare at kommunstyrelsen).

Called from bench/load.py inside its own throw-away database; never on a real one.
"""

import datetime
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from programs.models import FocusArea, Programme
from remiss.drafting import SECTION_FIELDS, TEXT_FIELDS
from remiss.management.commands import seed_demo
from remiss.models import (
    AgendaItem,
    Decision,
    FocusAreaView,
    Meeting,
    Membership,
    Organisation,
    PreparationStep,
    Recipient,
    Remiss,
    Statement,
    StatementVersion,
    StatusEvent,
    StoredDocument,
)

S = Statement.Status
Role = Membership.Role
BATCH = 2000
PASSWORD = seed_demo.DEMO_PASSWORD  # every bench user logs in with the demo password

# The order of the workflow: a statement in state X has passed every state before it.
FLOW = [S.DRAFT, S.IN_REVIEW, S.READY, S.ON_AGENDA, S.DECIDED, S.JUSTIFIED, S.DELIVERED]
EVENT_TEXT = {
    S.DRAFT: "",
    S.IN_REVIEW: "",
    S.READY: "",
    S.ON_AGENDA: "Sammanträdet, § 2.",
    S.DECIDED: "Beslut: bifall.",
    S.JUSTIFIED: "Paragrafen justerades omedelbart.",
    S.DELIVERED: "",
}
# The event each step writes (the workflow's vocabulary, StatusEvent.Action).
EVENT_ACTION = {
    S.DRAFT: StatusEvent.Action.STARTED,
    S.IN_REVIEW: StatusEvent.Action.SUBMITTED,
    S.READY: StatusEvent.Action.SIGNED,
    S.ON_AGENDA: StatusEvent.Action.PUT_ON_AGENDA,
    S.DECIDED: StatusEvent.Action.DECIDED,
    S.JUSTIFIED: StatusEvent.Action.JUSTIFIED,
    S.DELIVERED: StatusEvent.Action.DELIVERED,
}
# Recipient stages: "none" (not started) and "declined" have no statement.
PAST_WEIGHTS = {
    "delivered": 70,
    "declined": 5,
    "none": 4,
    S.DRAFT: 4,
    S.IN_REVIEW: 3,
    S.READY: 3,
    S.ON_AGENDA: 3,
    S.DECIDED: 4,
    S.JUSTIFIED: 4,
}
OPEN_WEIGHTS = {
    "none": 25,
    S.DRAFT: 25,
    S.IN_REVIEW: 10,
    S.READY: 10,
    S.ON_AGENDA: 10,
    S.DECIDED: 6,
    S.JUSTIFIED: 4,
    "delivered": 8,
    "declined": 2,
}
SHOWCASE_STAGES = ["delivered"] * 20 + [
    "none",
    "declined",
    S.DRAFT,
    S.IN_REVIEW,
    S.READY,
    S.ON_AGENDA,
    S.DECIDED,
    S.JUSTIFIED,
    S.DRAFT,
    "none",
]
TOPICS = [
    "Förslag till program för trygghet i offentlig miljö",
    "Stockholms stads klimathandlingsplan",
    "Riktlinjer för stadens upphandling",
    "Strategi för digital förnyelse",
    "Förslag till cykelplan",
    "Plan för stadens arbete med barnkonventionen",
    "Stockholms stads jämställdhetsprogram",
    "Riktlinjer för hemlöshet och bostadsförsörjning",
    "Översiktsplan, samrådsförslag",
    "Program för stadens friluftsliv",
]
SENTENCES = [
    "Förvaltningen välkomnar förslaget och delar bedömningen att arbetet behöver samordnas.",
    "Förslaget ligger i linje med de mål som nämnden har beslutat i sin verksamhetsplan.",
    "Det är angeläget att ansvarsfördelningen mellan nämnderna tydliggörs i det fortsatta arbetet.",
    "Förvaltningen ser ett behov av att uppföljningen görs årligen och redovisas för nämnden.",
    "Genomförandet förutsätter att resurser avsätts i budgeten för de kommande åren.",
    "Samverkan med civilsamhället och näringslivet bör lyftas fram tydligare i förslaget.",
    "Förvaltningen har inga invändningar mot förslagets inriktning i övrigt.",
    "Stadsdelsförvaltningarna har en viktig roll i det lokala arbetet och bör få stöd.",
]


@dataclass
class City:
    """What the benchmark needs to know about the generated city."""

    remiss_count: int = 0
    recipient_count: int = 0
    statement_count: int = 0
    version_count: int = 0
    history_count: int = 0
    event_count: int = 0
    meeting_count: int = 0
    decision_count: int = 0
    document_count: int = 0
    state_counts: dict = field(default_factory=dict)
    showcase_remiss: int = 0  # status board and compilation, as ks
    heavy_statement: int = 0  # statement page, as handlaggare
    heavy_versions: int = 0
    document: int = 0  # an archived reply PDF, as ks
    inbox_rows: int = 0  # handlaggare's received remisses
    board_remisses: list = field(default_factory=list)
    writers: list = field(default_factory=list)  # (username, statement pk): own draft each
    coordinators: list = field(default_factory=list)  # usernames of remissamordnare


def build(
    *,
    remisses: int,
    per_remiss: int,
    heavy_versions: int,
    writers: int,
    coordinators: int,
    log=print,
) -> City:
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    with transaction.atomic():
        city = _Builder(log).run(
            remisses=remisses,
            per_remiss=per_remiss,
            heavy_versions=heavy_versions,
            writers=writers,
            coordinators=coordinators,
        )
    # Fresh planner statistics, as autovacuum keeps them on a live database: right after a bulk
    # load PostgreSQL would otherwise guess, and pick plans no live database would.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        if connection.vendor == "postgresql":
            _checkpoint(cursor, log)
    return city


def _checkpoint(cursor, log) -> None:
    """Write the city's pages to disk now: after a bulk load of a large city (400,000 history
    rows at 2,000 remisses) PostgreSQL's checkpointer otherwise writes them out while the pages
    are measured, and even the hello view's p95 went from 1 to 54 ms. CHECKPOINT needs a
    superuser (or pg_checkpoint); without one the run goes on and the log says so."""
    from django.db import DatabaseError

    try:
        with transaction.atomic():
            cursor.execute("CHECKPOINT")
    except DatabaseError as error:
        log(f"no CHECKPOINT before the measurements ({error}); figures may be skewed")


def _insert(model, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH)


def _history(model, objects, *, when, kind="+", reason=None) -> list:
    """Historical rows (django-simple-history) for objects inserted without signals."""
    historical = model.history.model
    kept = {f.attname for f in historical._meta.concrete_fields}  # without excluded_fields
    names = [f.attname for f in model._meta.concrete_fields if f.attname in kept]
    return [
        historical(
            **{name: getattr(obj, name) for name in names},
            history_date=when(obj),
            history_type=kind,
            history_change_reason=reason,
        )
        for obj in objects
    ]


def _thursday_on_or_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 3) % 7)


class _Builder:
    def __init__(self, log):
        self.log = log
        self.rng = random.Random(7543)  # noqa: S311 - the same city on every run
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def text(self, sentences: int) -> str:
        return " ".join(self.rng.choice(SENTENCES) for _ in range(sentences))

    # ------------------------------------------------------------------------------------------

    def run(self, *, remisses, per_remiss, heavy_versions, writers, coordinators) -> City:
        city = City(heavy_versions=heavy_versions)
        User = get_user_model()
        self.password = make_password(PASSWORD)
        programme = Programme.objects.get(name=seed_demo.PROGRAMME["name"])
        self.areas = list(FocusArea.objects.filter(programme=programme).order_by("number"))
        ks = Organisation.objects.get(name="Kommunstyrelsen")
        sodermalm = Organisation.objects.get(name=seed_demo.SODERMALM)
        self.reply_file = StoredDocument.objects.filter(
            kind=StoredDocument.Kind.REPLY, state=StoredDocument.State.READY
        ).first()
        if self.reply_file is None:
            raise RuntimeError("seed_demo left no archived reply PDF to point the copies at")

        organisations = self.organisations(ks, per_remiss)
        self.officers = self.case_officers(User, organisations)
        remiss_rows = self.remisses(ks, programme, remisses)
        city.remiss_count = len(remiss_rows)

        # Recipients, each with its stage.
        showcase_index = remisses // 2
        recipients, stages = [], []
        for index, remiss in enumerate(remiss_rows):
            valid = [o for o in organisations if o.is_valid_on(remiss.sent_on)]
            others = [o for o in valid if o.pk != sodermalm.pk]
            chosen = [sodermalm, *self.rng.sample(others, per_remiss - 1)]
            if index == showcase_index:
                picked = (SHOWCASE_STAGES * per_remiss)[:per_remiss]
            else:
                picked = [self.stage_for(remiss) for _ in chosen]
            if remiss.sent_on > self.today - datetime.timedelta(days=20):
                picked[0] = S.DRAFT  # Södermalm has started every recent remiss
            for organisation, stage in zip(chosen, picked, strict=True):
                recipient = Recipient(
                    remiss=remiss,
                    organisation=organisation,
                    registration_number=(
                        f"{organisation.registry_prefix} {remiss.sent_on.year}/B{index:04}"
                        if stage != "none"
                        else ""
                    ),
                )
                recipients.append(recipient)
                stages.append(stage)
        showcase = remiss_rows[showcase_index]
        city.showcase_remiss = self.showcase_id = showcase.pk

        # The heavy Södermalm draft (statement page): the latest remiss' Södermalm statement.
        heavy_at = max(
            i
            for i, r in enumerate(recipients)
            if r.organisation_id == sodermalm.pk and stages[i] == S.DRAFT
        )
        # The writers' own drafts: open remisses first, never Södermalm's heavy one.
        drafts = [i for i, stage in enumerate(stages) if stage == S.DRAFT and i != heavy_at]
        self.rng.shuffle(drafts)
        drafts.sort(key=lambda i: recipients[i].remiss.deadline < self.today)
        if len(drafts) < writers:
            raise RuntimeError(f"only {len(drafts)} drafts for {writers} writers: seed more")
        writer_at = drafts[:writers]

        # Dates and outcomes per recipient; recipients' own fields first.
        plans = [self.plan(r, stage) for r, stage in zip(recipients, stages, strict=True)]
        for recipient, plan in zip(recipients, plans, strict=True):
            if plan["stage"] == "delivered":
                recipient.status = Recipient.Status.DELIVERED
                recipient.delivered_at = self.at(plan["justified"], 19)
            elif plan["stage"] == "declined":
                recipient.status = Recipient.Status.DECLINED
                recipient.declined_reason = "Ärendet berör inte nämndens verksamhet."
        recipients = _insert(Recipient, recipients)
        city.recipient_count = len(recipients)
        history = _history(
            Recipient, recipients, when=lambda r: self.at(r.remiss.sent_on, 8), reason="Skickad"
        )

        # Statements, all inserted as drafts: the database refuses focus-area views and
        # preparation steps on a statement past draft (migration 0006), so the statuses are set
        # once the children are in.
        statements, status_of, version_count = [], {}, {}
        for i, (recipient, plan) in enumerate(zip(recipients, plans, strict=True)):
            if plan["stage"] in ("none", "declined"):
                continue
            statement = self.statement(recipient, plan)
            statements.append(statement)
            plan["statement"] = statement
            # The signature with the status, once the children are in (a draft has none).
            status_of[id(statement)] = (plan["status"], statement.signed_at)
            statement.signed_at = None
            version_count[id(statement)] = (
                heavy_versions if i == heavy_at else 2 + self.rng.randrange(6)
            )
        statements = _insert(Statement, statements)
        city.statement_count = len(statements)
        heavy = plans[heavy_at]["statement"]
        city.heavy_statement = heavy.pk

        views, steps = [], []
        views_of = defaultdict(list)
        for statement in statements:
            for area in self.rng.sample(self.areas, 1 + self.rng.randrange(3)):
                view = FocusAreaView(statement=statement, focus_area=area, text=self.text(3))
                views.append(view)
                views_of[statement.pk].append(view)
            steps.append(
                PreparationStep(
                    statement=statement,
                    kind=PreparationStep.Kind.INTERNAL,
                    who="Förvaltningens ledningsgrupp",
                )
            )
        views = _insert(FocusAreaView, views)
        _insert(PreparationStep, steps)
        history += _history(
            FocusAreaView, views, when=lambda v: v.statement.created_at, reason="Sparad"
        )

        versions = []
        for statement in statements:
            count = version_count[id(statement)]
            statement.version = count
            content = self.snapshot(statement, views_of[statement.pk])
            for number in range(1, count + 1):
                saved = statement.created_at + datetime.timedelta(minutes=7 * number)
                versions.append(
                    StatementVersion(
                        statement=statement,
                        number=number,
                        author_id=statement.case_officer_id,
                        created_at=saved,
                        note="Påbörjat" if number == 1 else "",
                        content=content,
                    )
                )
                history += _history(
                    Statement,
                    [statement],
                    when=lambda _, saved=saved: saved,
                    kind="+" if number == 1 else "~",
                )
        _insert(StatementVersion, versions)
        city.version_count = len(versions)

        # Statuses, signatures and versions (the children are in now), in one UPDATE per batch:
        # the database holds a signature exactly on a signed statement.
        for statement in statements:
            statement.status, statement.signed_at = status_of[id(statement)]
        Statement.objects.bulk_update(
            statements, ["status", "signed_at", "version"], batch_size=BATCH
        )
        city.state_counts = dict.fromkeys(FLOW, 0)
        for statement in statements:
            city.state_counts[statement.status] += 1

        city.event_count = self.events(plans)
        meetings, decisions, documents = self.council(plans)
        city.meeting_count, city.decision_count, city.document_count = (
            meetings,
            decisions,
            documents,
        )

        history += _history(Remiss, remiss_rows, when=lambda r: self.at(r.sent_on, 8))
        for model in (Remiss, Recipient, FocusAreaView, Statement):
            _insert(model.history.model, [h for h in history if isinstance(h, model.history.model)])
        city.history_count = len(history)

        city.writers = self.writer_users(User, [plans[i]["statement"] for i in writer_at])
        city.coordinators = self.coordinator_users(User, ks, coordinators)
        city.document = (
            StoredDocument.objects.filter(
                kind=StoredDocument.Kind.REPLY,
                decision__item__statement__recipient__remiss_id=showcase.pk,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        city.board_remisses = [r.pk for r in remiss_rows]
        city.inbox_rows = Recipient.objects.filter(organisation=sodermalm).count()
        return city

    # ------------------------------------------------------------------------------------------

    def organisations(self, ks: Organisation, per_remiss: int) -> list[Organisation]:
        """Every organisation that can receive a remiss now, with generated company boards
        added until each remiss can have per_remiss recipients."""
        valid = list(Organisation.objects.valid_on(self.today).exclude(pk=ks.pk))
        missing = per_remiss + 4 - len(valid)
        if missing > 0:
            start = datetime.date(2007, 1, 1)
            generated = _insert(
                Organisation,
                [
                    Organisation(
                        kind=Organisation.Kind.COMPANY_BOARD,
                        name=f"Stadens bolag {n} AB",
                        administration=f"Stadens bolag {n} AB",
                        registry_prefix=f"BOL{n}",
                        valid_from=start,
                    )
                    for n in range(1, missing + 1)
                ],
            )
            valid += generated
        return valid

    def case_officers(self, User, organisations) -> dict[int, int]:
        """One handläggare per organisation, who wrote its generated statements."""
        users = _insert(
            User,
            [
                User(
                    username=f"bench_hl_{o.pk}",
                    first_name="Handläggare",
                    last_name=o.registry_prefix or str(o.pk),
                    email=f"bench_hl_{o.pk}@example.org",
                    password=self.password,
                )
                for o in organisations
            ],
        )
        _insert(
            Membership,
            [
                Membership(user=u, organisation=o, role=Role.CASE_OFFICER, title="Handläggare")
                for u, o in zip(users, organisations, strict=True)
            ],
        )
        return {o.pk: u.pk for u, o in zip(users, organisations, strict=True)}

    def remisses(self, ks, programme, count: int) -> list[Remiss]:
        """Sent over the last two years, oldest first; the last ~60 days' still open."""
        rows = []
        for index in range(count):
            sent = self.today - datetime.timedelta(days=round(720 * (1 - index / count)))
            topic = TOPICS[index % len(TOPICS)]
            rows.append(
                Remiss(
                    sender=ks,
                    registration_number=f"KS {sent.year}/{2000 + index}",
                    title=f"{topic} ({index + 1})",
                    programme=programme,
                    description=self.text(4),
                    sent_on=sent,
                    deadline=sent + datetime.timedelta(days=60),
                )
            )
        return _insert(Remiss, rows)

    def stage_for(self, remiss: Remiss) -> str:
        if remiss.deadline < self.today:
            weights = PAST_WEIGHTS
        elif remiss.sent_on > self.today - datetime.timedelta(days=14):
            weights = {"none": 2, S.DRAFT: 1}
        else:
            weights = OPEN_WEIGHTS
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def plan(self, recipient: Recipient, stage: str) -> dict:
        """The dates of one recipient's case, consistent with its stage."""
        remiss = recipient.remiss
        started = min(
            remiss.sent_on + datetime.timedelta(days=2 + self.rng.randrange(8)), self.today
        )
        status = S.DELIVERED if stage == "delivered" else stage
        plan = {"stage": stage, "status": status, "started": started}
        if stage in ("none", "declined"):
            return plan
        week = datetime.timedelta(days=7)
        if status == S.ON_AGENDA:  # on the agenda of one of the council's next meetings
            meeting = _thursday_on_or_before(self.today) + week * (1 + self.rng.randrange(3))
        elif status == S.DECIDED:  # at a recent meeting, the minutes not yet justified
            meeting = _thursday_on_or_before(self.today) - week * self.rng.randrange(2)
        else:  # before the deadline (or, for a late reply, lately)
            target = remiss.deadline - datetime.timedelta(days=1 + self.rng.randrange(10))
            meeting = _thursday_on_or_before(min(target, self.today))
        meeting = max(meeting, started)
        plan["meeting"] = meeting
        plan["signed"] = min(max(started, meeting - week), self.today)
        plan["justified"] = min(meeting + datetime.timedelta(days=6), self.today)
        return plan

    def statement(self, recipient: Recipient, plan: dict) -> Statement:
        organisation = recipient.organisation
        level = FLOW.index(plan["status"])
        signed = level >= FLOW.index(S.READY)
        return Statement(
            recipient=recipient,
            case_officer_id=self.officers[organisation.pk],
            addressed_to=organisation.name,
            date=plan["signed"] if signed else plan["started"],
            title=recipient.remiss.title,
            reference_line=(
                f"Svar på remiss från kommunstyrelsen, dnr {recipient.remiss.registration_number}"
            ),
            proposals=[
                f"{organisation.council_word} överlämnar förvaltningens tjänsteutlåtande "
                "som svar på remissen."
            ],
            summary=self.text(3),
            background=self.text(4),
            preparation="Ärendet har beretts av förvaltningens ledningsgrupp.",
            matter=self.text(4),
            views=self.text(6),
            signer_name="Förvaltningschef" if signed else "",
            signer_title="Förvaltningschef" if signed else "",
            signed_at=self.at(plan["signed"], 15) if signed else None,
            status=S.DRAFT,
            version=1,
            created_at=self.at(plan["started"], 9),
        )

    def snapshot(self, statement: Statement, views: list[FocusAreaView]) -> dict:
        """What drafting.snapshot stores, built without a query."""
        return {
            **{name: getattr(statement, name) for name in TEXT_FIELDS},
            "date": statement.date.isoformat(),
            "proposals": list(statement.proposals),
            "sections": {name: getattr(statement, name) for name in SECTION_FIELDS},
            "focus_area_views": [
                {
                    "focus_area": view.focus_area_id,
                    "number": view.focus_area.number,
                    "title": view.focus_area.title,
                    "text": view.text,
                }
                for view in views
            ],
            "preparation_steps": [
                {
                    "kind": PreparationStep.Kind.INTERNAL,
                    "kind_label": PreparationStep.Kind.INTERNAL.label,
                    "who": "Förvaltningens ledningsgrupp",
                    "date": None,
                }
            ],
        }

    def events(self, plans: list[dict]) -> int:
        """The status events of each statement, one per step of the workflow it has passed."""
        events = []
        for plan in plans:
            statement = plan.get("statement")
            if statement is None:
                continue
            days = {
                S.DRAFT: plan["started"],
                S.IN_REVIEW: plan["signed"],
                S.READY: plan["signed"],
                S.ON_AGENDA: plan["signed"],
                S.DECIDED: plan["meeting"],
                S.JUSTIFIED: plan["justified"],
                S.DELIVERED: plan["justified"],
            }
            level = FLOW.index(plan["status"])
            for step, status in enumerate(FLOW[: level + 1]):
                events.append(
                    StatusEvent(
                        recipient_id=statement.recipient_id,
                        statement=statement,
                        action=EVENT_ACTION[status],
                        subject=StatusEvent.Subject.RECIPIENT
                        if status == S.DELIVERED
                        else StatusEvent.Subject.STATEMENT,
                        actor_id=statement.case_officer_id,
                        created_at=self.at(days[status], 9 + step),
                        from_status=FLOW[step - 1] if step else "",
                        to_status=status,
                        comment=EVENT_TEXT[status],
                    )
                )
        _insert(StatusEvent, events)
        return len(events)

    def council(self, plans: list[dict]) -> tuple[int, int, int]:
        """Meetings, agenda items and decisions for the statements that reached the council,
        and archived reply PDFs for part of the delivered ones (all of the showcase's)."""
        on_agenda = FLOW.index(S.ON_AGENDA)
        reached = [p for p in plans if "statement" in p and FLOW.index(p["status"]) >= on_agenda]
        meetings, agenda = {}, defaultdict(list)
        for plan in reached:
            key = (plan["statement"].recipient.organisation_id, plan["meeting"])
            agenda[key].append(plan)
            meetings.setdefault(
                key,
                Meeting(
                    organisation_id=key[0],
                    date=plan["meeting"],
                    starts_at=datetime.time(18),
                    place="Förvaltningens sammanträdesrum",
                ),
            )
        # Minutes are justified once every paragraph is.
        justified = FLOW.index(S.JUSTIFIED)
        for key, meeting in meetings.items():
            if all(FLOW.index(p["status"]) >= justified for p in agenda[key]):
                meeting.minutes_justified_on = max(p["justified"] for p in agenda[key])
        _insert(Meeting, list(meetings.values()))
        numbers = defaultdict(int)
        items = []
        for plan in reached:
            statement = plan["statement"]
            meeting = meetings[(statement.recipient.organisation_id, plan["meeting"])]
            numbers[meeting.pk] += 1
            item = AgendaItem(
                meeting=meeting,
                number=numbers[meeting.pk],
                title=statement.title,
                statement=statement,
            )
            plan["item"] = item
            items.append(item)
        _insert(AgendaItem, items)
        decided = [p for p in reached if FLOW.index(p["status"]) >= FLOW.index(S.DECIDED)]
        decisions = []
        for plan in decided:
            justified = FLOW.index(plan["status"]) >= FLOW.index(S.JUSTIFIED)
            decision = Decision(
                item=plan["item"],
                outcome=Decision.Outcome.ADOPTED,
                text="Nämnden beslutar enligt förvaltningens förslag.",
                decided_at=self.at(plan["meeting"], 19),
                recorded_by_id=plan["statement"].case_officer_id,
                justified_on=plan["justified"] if justified else None,
                notice_date=plan["justified"] if justified else None,  # posted the same day
            )
            plan["decision"] = decision
            decisions.append(decision)
        _insert(Decision, decisions)
        source = self.reply_file
        documents = []
        for plan in decided:
            if plan["stage"] != "delivered":
                continue
            showcase = plan["statement"].recipient.remiss_id == self.showcase_id
            if not showcase and self.rng.random() > 0.3:
                continue
            statement = plan["statement"]
            documents.append(
                StoredDocument(
                    decision=plan["decision"],
                    kind=StoredDocument.Kind.REPLY,
                    state=StoredDocument.State.READY,
                    file=source.file.name,
                    filename=f"Yttrande {statement.recipient.organisation.name} "
                    f"{plan['meeting']:%Y-%m-%d}.pdf",
                    sha256=source.sha256,
                    size=source.size,
                    pdfa=False,
                    created_at=self.at(plan["justified"], 18),
                    rendered_at=self.at(plan["justified"], 18, 1),
                )
            )
        _insert(StoredDocument, documents)
        return len(meetings), len(decisions), len(documents)

    def writer_users(self, User, statements: list[Statement]) -> list[tuple[str, int]]:
        """Handläggare who each own one draft (the load test saves only their own)."""
        users = _insert(
            User,
            [
                User(
                    username=f"bench_writer_{n:03}",
                    first_name="Skribent",
                    last_name=f"{n:03}",
                    email=f"bench_writer_{n:03}@example.org",
                    password=self.password,
                )
                for n in range(1, len(statements) + 1)
            ],
        )
        _insert(
            Membership,
            [
                Membership(
                    user=user,
                    organisation_id=statement.recipient.organisation_id,
                    role=Role.CASE_OFFICER,
                    title="Handläggare",
                )
                for user, statement in zip(users, statements, strict=True)
            ],
        )
        for user, statement in zip(users, statements, strict=True):
            Statement.objects.filter(pk=statement.pk).update(case_officer=user)
        return [(u.username, s.pk) for u, s in zip(users, statements, strict=True)]

    def coordinator_users(self, User, ks: Organisation, count: int) -> list[str]:
        users = _insert(
            User,
            [
                User(
                    username=f"bench_ks_{n:03}",
                    first_name="Remissamordnare",
                    last_name=f"{n:03}",
                    email=f"bench_ks_{n:03}@example.org",
                    password=self.password,
                )
                for n in range(1, count + 1)
            ],
        )
        _insert(
            Membership,
            [
                Membership(
                    user=u, organisation=ks, role=Role.REMISS_COORDINATOR, title="Remissamordnare"
                )
                for u in users
            ],
        )
        return [u.username for u in users]
