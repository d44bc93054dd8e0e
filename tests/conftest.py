"""Shared fixtures: a small city with the personas of the seed case (docs/style.md §13)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from programs.models import FocusArea, Programme
from remiss.models import Membership, Organisation, Recipient, Remiss, Statement
from tests import seeding

Role = Membership.Role
Kind = Organisation.Kind
SENT = datetime.date(2019, 10, 1)
DEADLINE = datetime.date(2019, 12, 13)


def make_user(
    username: str, organisation: Organisation | None = None, role: str | None = None, **fields
):
    fields.setdefault("email", f"{username}@example.org")
    title = fields.pop("title", "")
    user = get_user_model().objects.create_user(username=username, password="demo", **fields)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role, title=title)
    return user


def make_organisation(name: str, kind: str = Kind.DISTRICT_COUNCIL, **fields) -> Organisation:
    fields.setdefault("valid_from", datetime.date(2007, 1, 1))
    return Organisation.objects.create(name=name, kind=kind, **fields)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file, as in use, not Django's shared in-memory one:
    only a file shows how SQLite locks when two requests write at once. It lies in the worker's
    own temporary folder; on PostgreSQL each xdist worker's database gets its suffix (_gw0, …)
    from pytest-django, as without this fixture."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, one per xdist worker (test_remiss_gw0, …), which end with
    no session of their own left open: a thread that outlived its test (a live server's request
    thread, say) would otherwise keep PostgreSQL from dropping them."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            # No test of this run needed the database (the scale-out test alone): none was made.
            if (
                connection.vendor == "postgresql"
                and connection.settings_dict["NAME"] == connection.creation._get_test_db_name()
            ):
                _end_other_sessions(connection)


def _end_other_sessions(connection) -> None:
    """End every other session on the connection's database; a connection that was itself
    ended meanwhile (PostgreSQL restarted, or a test ended it) is opened again once."""
    from django.db import OperationalError

    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        except OperationalError:
            connection.close()
            if attempt == 2:
                raise
        else:
            break
    connection.close()


def _flush_by_delete(original):
    """PostgreSQL's flush for the tests that commit (transactional_db, live_server): DELETE
    instead of TRUNCATE. TRUNCATE of the portal's 74 tables takes a third of a second, as long
    on empty tables as on full ones (each gets a new file), after every such test; DELETE of
    the few rows a test leaves takes a fiftieth. The rows are deleted with triggers off
    (session_replication_role, for the append-only guards and the foreign keys: every table
    is emptied at once), which only a superuser may do; for anyone else, and where sequences
    must restart, it is PostgreSQL's own TRUNCATE."""

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or not seeding.superuser(self.connection):
            return original(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET LOCAL session_replication_role = replica;",
            *(f"DELETE FROM {self.quote_name(table)};" for table in tables),  # noqa: S608 - quoted table names
            "SET LOCAL session_replication_role = DEFAULT;",
        ]

    return sql_flush


def _flush_keeping_what_migrate_made(original):
    """The flush after a test that commits, without migrate's rows: Django's own empties every
    table, then sends post_migrate so that the content types and permissions are made again,
    about 60 queries after each such test (a fiftieth of the PostgreSQL suite's time). No test
    changes those rows (tests/seeding.py leaves them out of its snapshot for the same reason), so
    they stay, with their ids, and post_migrate is not sent. Where Django inhibits it itself or
    the sequences restart, its own flush runs."""
    from django.core.management.color import no_style

    def _fixture_teardown(self):
        if self.available_apps is not None or self.reset_sequences or self.serialized_rollback:
            return original(self)
        for name in self._databases_names(include_mirrors=False):
            connection = connections[name]
            tables = [
                table
                for table in connection.introspection.django_table_names(
                    only_existing=True, include_views=False
                )
                if table not in seeding.NOT_SEED
            ]
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))

    return _fixture_teardown


def pytest_collection_modifyitems(config, items):
    """The scale-out test first: at 25–55 s it is the longest single test, and one that a worker
    happens to start last keeps the other core idle while it runs. At the front of the list it
    runs while the other worker takes the browser tests, and the short tests fill the end."""
    items.sort(key=lambda item: item.get_closest_marker("scale") is None)


def pytest_configure(config):
    from django.db.backends.postgresql.operations import DatabaseOperations
    from django.test import TransactionTestCase

    DatabaseOperations.sql_flush = _flush_by_delete(DatabaseOperations.sql_flush)
    TransactionTestCase._fixture_teardown = _flush_keeping_what_migrate_made(
        TransactionTestCase._fixture_teardown
    )


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data (seed_demo), once for the test module that asks for `seeded`."""
    yield from seeding.seed_once(django_db_blocker, tmp_path_factory.mktemp("media"))


@pytest.fixture
def seeded(seeded_module, db, settings):
    """The demo data, seeded once for the module; this test's changes are rolled back after
    it."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = seeded_module


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing with production strength costs a third of a second per password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_wait(settings):
    """Documents are queued, not rendered: rendering PDFs is tested where it is the point
    (with the `run_tasks` fixture), not on every justification in every test. Mail is sent
    when the transaction commits, as with `make run`."""
    settings.TASKS = {"default": {"BACKEND": "tests.task_backends.MailAtOnceBackend"}}


class Clock:
    """The portal's clock in a test: `clock.set(moment)` makes django.utils.timezone.now (and so
    localdate) answer that moment until it is set again or the test ends."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, moment: datetime.datetime) -> datetime.datetime:
        from django.utils import timezone

        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        self.monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def run_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def programme(db) -> Programme:
    programme = Programme.objects.create(
        name="Stockholms stads säkerhetsprogram 2020–2023", period_start=2020, period_end=2023
    )
    for number, title in enumerate(["Krisberedskap", "Civilt försvar"], start=1):
        FocusArea.objects.create(programme=programme, number=number, title=title)
    return programme


@pytest.fixture
def ks(db) -> Organisation:
    return make_organisation(
        "Kommunstyrelsen",
        Kind.EXECUTIVE_BOARD,
        administration="Stadsledningskontoret",
        registry_prefix="KS",
    )


@pytest.fixture
def sodermalm(db) -> Organisation:
    return make_organisation(
        "Södermalms stadsdelsnämnd",
        administration="Södermalms stadsdelsförvaltning",
        registry_prefix="SÖD",
    )


@pytest.fixture
def kungsholmen(db) -> Organisation:
    return make_organisation("Kungsholmens stadsdelsnämnd", registry_prefix="KUN")


@pytest.fixture
def remiss(ks, sodermalm, kungsholmen, programme) -> Remiss:
    remiss = Remiss.objects.create(
        sender=ks,
        registration_number="KS 2019/1543",
        title=programme.name,
        programme=programme,
        sent_on=SENT,
        deadline=DEADLINE,
    )
    Recipient.objects.create(
        remiss=remiss, organisation=sodermalm, registration_number="SÖD 2019/1102"
    )
    Recipient.objects.create(remiss=remiss, organisation=kungsholmen)
    return remiss


@pytest.fixture
def sodermalm_recipient(remiss, sodermalm) -> Recipient:
    return remiss.recipients.get(organisation=sodermalm)


@pytest.fixture
def handlaggare(sodermalm):
    return make_user(
        "handlaggare", sodermalm, Role.CASE_OFFICER, first_name="Eva-Lena", last_name="Eirefelt"
    )


@pytest.fixture
def direktor(sodermalm):
    return make_user(
        "direktor",
        sodermalm,
        Role.HEAD_OF_ADMINISTRATION,
        first_name="Ann-Christine",
        last_name="Jenvén",
        title="Stadsdelsdirektör",
    )


@pytest.fixture
def sekreterare(sodermalm):
    return make_user("sekreterare", sodermalm, Role.SECRETARY)


@pytest.fixture
def justerare(sodermalm):
    return make_user("justerare", sodermalm, Role.JUSTIFIER)


@pytest.fixture
def ks_samordnare(ks):
    return make_user("ks", ks, Role.REMISS_COORDINATOR)


@pytest.fixture
def outsider(kungsholmen):
    """A handläggare at another recipient of the same remiss."""
    return make_user("kungsholmen", kungsholmen, Role.CASE_OFFICER)


@pytest.fixture
def statement(sodermalm_recipient, handlaggare) -> Statement:
    return Statement.objects.create(
        recipient=sodermalm_recipient,
        case_officer=handlaggare,
        addressed_to="Södermalms stadsdelsnämnd",
        date=datetime.date(2019, 12, 12),
        title="Stockholms stads säkerhetsprogram 2020–2023",
        reference_line="Svar på remiss från kommunstyrelsen, dnr KS 2019/1543",
        proposals=[
            "Stadsdelsnämnden överlämnar förvaltningens tjänsteutlåtande som svar på remissen."
        ],
    )


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(username="admin", password="demo")


@pytest.fixture
def started(sodermalm_recipient, handlaggare):
    """Södermalm's statement as the handläggare starts it: version 1."""
    from remiss import drafting

    return drafting.start_statement(recipient=sodermalm_recipient, user=handlaggare)


def editor_post(statement, **overrides) -> dict:
    """The drafting form as a browser would post it for the statement as it stands."""
    data = {
        "base_version": statement.version,
        "title": statement.title,
        "reference_line": statement.reference_line,
        "addressed_to": statement.addressed_to,
        "date": statement.date.isoformat(),
        "phone": statement.phone,
        **{name: getattr(statement, name) for name, _ in Statement.SECTIONS},
        "proposals-TOTAL_FORMS": len(statement.proposals),
        "proposals-INITIAL_FORMS": len(statement.proposals),
        "proposals-MIN_NUM_FORMS": 0,
        "proposals-MAX_NUM_FORMS": 1000,
        "focusviews-TOTAL_FORMS": 0,
        "focusviews-INITIAL_FORMS": 0,
        "focusviews-MIN_NUM_FORMS": 0,
        "focusviews-MAX_NUM_FORMS": 1000,
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
        "action": "save",
    }
    for index, text in enumerate(statement.proposals):
        data[f"proposals-{index}-text"] = text
        data[f"proposals-{index}-ORDER"] = index + 1
    for index, view in enumerate(statement.focus_area_views.all()):
        data[f"focusviews-{index}-focus_area"] = view.focus_area_id
        data[f"focusviews-{index}-text"] = view.text
        data["focusviews-TOTAL_FORMS"] = data["focusviews-INITIAL_FORMS"] = index + 1
    for index, step in enumerate(statement.preparation_steps.all()):
        data[f"steps-{index}-kind"] = step.kind
        data[f"steps-{index}-who"] = step.who
        data[f"steps-{index}-date"] = step.date.isoformat() if step.date else ""
        data["steps-TOTAL_FORMS"] = data["steps-INITIAL_FORMS"] = index + 1
    data.update(overrides)
    return data


@pytest.fixture
def ordforande(sodermalm):
    return make_user("ordforande", sodermalm, Role.CHAIR, first_name="Per", last_name="Holm")


TERM = (datetime.date(2019, 1, 1), datetime.date(2022, 12, 31))


def make_seat(organisation, user, kind, position, *, party="S", office="", term=TERM):
    from remiss.models import Seat

    return Seat.objects.create(
        organisation=organisation,
        person=user,
        kind=kind,
        position=position,
        party=party,
        office=office,
        term_starts=term[0],
        term_ends=term[1],
    )


@pytest.fixture
def council(sodermalm, ordforande, justerare):
    """Södermalm's council for 2019–2022 in small: five ledamöter (the chair first, the
    justerare second) and two ersättare, in the order they are called in."""
    from remiss.models import Seat

    members = [
        ordforande,
        justerare,
        make_user("ledamot_a", sodermalm, Role.MEMBER, first_name="Anna", last_name="Berg"),
        make_user("ledamot_b", sodermalm, Role.MEMBER, first_name="Björn", last_name="Dahl"),
        make_user("ledamot_c", sodermalm, Role.MEMBER, first_name="Cecilia", last_name="Ek"),
    ]
    substitutes = [
        make_user("ersattare_a", sodermalm, Role.SUBSTITUTE, first_name="Dan", last_name="Falk"),
        make_user("ersattare_b", sodermalm, Role.SUBSTITUTE, first_name="Eva", last_name="Gran"),
    ]
    parties = ["S", "M", "V", "L", "MP"]
    seats = [
        make_seat(
            sodermalm,
            user,
            Seat.Kind.MEMBER,
            n,
            party=parties[n - 1],
            office=Seat.Office.CHAIR if n == 1 else "",
        )
        for n, user in enumerate(members, start=1)
    ]
    seats += [
        make_seat(sodermalm, user, Seat.Kind.SUBSTITUTE, n, party=parties[n - 1])
        for n, user in enumerate(substitutes, start=1)
    ]
    return seats


@pytest.fixture
def meeting(sodermalm, ordforande, justerare, sekreterare, council):
    """Södermalms stadsdelsnämnd's meeting of 2019-12-12: every ledamot present and serving,
    the first ersättare present without serving."""
    from remiss.models import Attendance, Meeting, Seat

    meeting = Meeting.objects.create(
        organisation=sodermalm,
        date=datetime.date(2019, 12, 12),
        place="Södermalmsrummet",
        chair=ordforande,
        secretary=sekreterare,
    )
    meeting.justifiers.add(justerare)
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            user=seat.person,
            seat=seat,
            serving=seat.kind == Seat.Kind.MEMBER,
        )
        for seat in council
        if seat.kind == Seat.Kind.MEMBER or seat.position == 1
    )
    return meeting


@pytest.fixture
def signed(started, handlaggare, direktor):
    """The statement submitted and signed: ready for the agenda."""
    from remiss import workflow

    workflow.submit(statement=started, user=handlaggare)
    return workflow.sign(statement=started, user=direktor)


@pytest.fixture
def on_agenda(signed, meeting, sekreterare):
    from remiss import workflow

    return workflow.put_on_agenda(statement=signed, meeting=meeting, user=sekreterare)


@pytest.fixture
def agenda_with(started, handlaggare, direktor, meeting, sekreterare):
    """The statement with these attachments (name, type, bytes), signed and on the agenda."""

    from remiss import workflow

    def make(files):
        for name, content_type, content in files:
            attach(started, name, content_type, content)
        workflow.submit(statement=started, user=handlaggare)
        workflow.sign(statement=started, user=direktor)
        return workflow.put_on_agenda(statement=started, meeting=meeting, user=sekreterare)

    return make


def attach(statement, name: str, content_type: str, content: bytes):
    """An attachment stored as the upload would store it (the upload checks are tested in
    test_uploads.py)."""
    from django.core.files.base import ContentFile

    from remiss.models import Attachment

    attachment = Attachment(
        statement=statement,
        title=name.rsplit(".", 1)[0],
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
        position=statement.attachments.count() + 1,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


# The statement's moves, by the slug of their URL (one view and one URL name per move).
MOVE_URL_NAMES = {
    "lamna-till-granskning": "statement_submit",
    "returnera": "statement_return",
    "signera": "statement_sign",
    "ta-tillbaka": "statement_withdraw",
    "ta-tillbaka-fran-granskning": "statement_withdraw_submission",
    "paborja-granskning": "statement_start_review",
}


def move_url(statement_pk: int, slug: str) -> str:
    from django.urls import reverse

    return reverse(MOVE_URL_NAMES[slug], args=[statement_pk])


# The open-data and archive fixtures (issue 18), kept in their own module.
from tests.open_data import *  # noqa: E402, F403


def sql_statements(captured) -> int:
    """The SQL statements a CaptureQueriesContext saw, not counting transaction control
    (savepoints, BEGIN, COMMIT): the figure the query-count tests assert exactly."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
    return sum(1 for query in captured if not query["sql"].lstrip().upper().startswith(control))
