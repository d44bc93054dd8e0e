"""Migrations 0001–0030 in one: what a new database gets (issue 20).

Migrating a new database through the thirty-five migrations took 21 s on SQLite and 22 s on
PostgreSQL, nine tenths of it Django re-rendering the model state after each of their 300
operations, once per test process and on every first `make run`. This migration creates the same
tables, indexes and constraints directly (the operations Django's makemigrations writes for the
models as they are), then the rules the database keeps itself, in their final form:

- the event log and the justering signatures are append-only (0002, 0011, 0013, 0018, 0019);
- a signed statement's text cannot change (0006, 0012, 0020);
- the search's documents are generated tsvector columns on PostgreSQL (0029);
- each recipient's answer_by follows its extension and its remiss' deadline (0030).

A database that has the old migrations applied is marked as having this one too (`replaces`);
the old files stay until every installation has passed 0030. tests/test_squashed_migration.py
checks that both paths give the same schema, on SQLite and on PostgreSQL.
"""

import django.db.models.deletion
import django.utils.timezone
import remiss.models.imports
import remiss.models.remisses
import remiss.models.sending
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# --- The rules the database keeps itself, as the old migrations left them -----------------------

STATEMENT_TEXT = [
    "title", "reference_line", "addressed_to", "date", "phone", "proposals", "summary",
    "background", "preparation", "matter", "views", "recipient_id", "case_officer_id",
]
STATEMENT_CHILDREN = ["remiss_focusareaview", "remiss_preparationstep", "remiss_attachment"]
FROZEN = "the text of a signed statement cannot change"
APPEND_ONLY = ["remiss_statusevent", "remiss_justificationsignature"]


def _changed(operator: str) -> str:
    return " OR ".join(f"NEW.{column} {operator} OLD.{column}" for column in STATEMENT_TEXT)


def sqlite_sql() -> list[str]:
    statements = [
        f"""CREATE TRIGGER {table}_no_update
BEFORE UPDATE ON {table}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only');
END;"""
        for table in APPEND_ONLY
    ]
    statements.append(
        f"""CREATE TRIGGER remiss_statement_frozen BEFORE UPDATE ON remiss_statement
        WHEN OLD.status <> 'draft' AND ({_changed("IS NOT")})
        BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END;"""
    )
    for table in STATEMENT_CHILDREN:
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f"""CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table}
                WHEN (SELECT status FROM remiss_statement WHERE id = NEW.statement_id) <> 'draft'
                BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END;"""
            )
    own = """UPDATE remiss_recipient SET answer_by = COALESCE(NEW.extended_deadline,
        (SELECT deadline FROM remiss_remiss WHERE id = NEW.remiss_id)) WHERE id = NEW.id;"""
    statements += [
        f"""CREATE TRIGGER remiss_recipient_answer_by_insert AFTER INSERT ON remiss_recipient
        BEGIN {own} END;""",
        f"""CREATE TRIGGER remiss_recipient_answer_by_update
        AFTER UPDATE OF extended_deadline, remiss_id, answer_by ON remiss_recipient
        BEGIN {own} END;""",
        """CREATE TRIGGER remiss_remiss_answer_by AFTER UPDATE OF deadline ON remiss_remiss
        WHEN NEW.deadline IS NOT OLD.deadline
        BEGIN
            UPDATE remiss_recipient SET answer_by = COALESCE(extended_deadline, NEW.deadline)
            WHERE remiss_id = NEW.id;
        END;""",
    ]
    return statements


def sqlite_drop() -> list[str]:
    names = [f"{table}_no_update" for table in APPEND_ONLY] + ["remiss_statement_frozen"]
    names += [f"{table}_frozen_{e}" for table in STATEMENT_CHILDREN for e in ("insert", "update")]
    names += [
        "remiss_recipient_answer_by_insert",
        "remiss_recipient_answer_by_update",
        "remiss_remiss_answer_by",
    ]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


SEARCH_DOCUMENTS = """
ALTER TABLE remiss_statement ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('swedish'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('swedish'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('swedish'::regconfig,
        coalesce(background, '') || ' ' || coalesce(preparation, '') || ' '
        || coalesce(matter, '') || ' ' || coalesce(views, '')), 'C')
) STORED;
CREATE INDEX statement_search_document ON remiss_statement USING gin (search_document);
ALTER TABLE remiss_focusareaview ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('swedish'::regconfig, coalesce(text, '')), 'C')
) STORED;
CREATE INDEX focusareaview_search_document ON remiss_focusareaview USING gin (search_document);
ALTER TABLE remiss_remiss ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('swedish'::regconfig,
        coalesce(title, '') || ' ' || coalesce(registration_number, '')), 'A')
    || setweight(to_tsvector('swedish'::regconfig, coalesce(description, '')), 'B')
) STORED;
CREATE INDEX remiss_search_document ON remiss_remiss USING gin (search_document);
"""


def postgres_sql() -> list[str]:
    statements = []
    for table in APPEND_ONLY:
        statements += [
            f"""CREATE FUNCTION {table}_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only';
END;
$$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {table}_no_update
BEFORE UPDATE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_refuse_update();""",
        ]
    statements += [
        f"""CREATE FUNCTION remiss_statement_frozen() RETURNS trigger AS $$
        BEGIN
            IF OLD.status <> 'draft' AND ({_changed("IS DISTINCT FROM")}) THEN
                RAISE EXCEPTION '{FROZEN}';
            END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER remiss_statement_frozen BEFORE UPDATE ON remiss_statement
        FOR EACH ROW EXECUTE FUNCTION remiss_statement_frozen();""",
        f"""CREATE FUNCTION remiss_statement_child_frozen() RETURNS trigger AS $$
        BEGIN
            IF (SELECT status FROM remiss_statement WHERE id = NEW.statement_id) <> 'draft' THEN
                RAISE EXCEPTION '{FROZEN}';
            END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
    ]
    statements += [
        f"""CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION remiss_statement_child_frozen();"""
        for table in STATEMENT_CHILDREN
    ]
    statements += [
        """CREATE FUNCTION remiss_recipient_answer_by() RETURNS trigger AS $$
        BEGIN
            NEW.answer_by := COALESCE(NEW.extended_deadline,
                (SELECT deadline FROM remiss_remiss WHERE id = NEW.remiss_id));
            RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER remiss_recipient_answer_by
        BEFORE INSERT OR UPDATE OF extended_deadline, remiss_id, answer_by ON remiss_recipient
        FOR EACH ROW EXECUTE FUNCTION remiss_recipient_answer_by();""",
        """CREATE FUNCTION remiss_remiss_answer_by() RETURNS trigger AS $$
        BEGIN
            UPDATE remiss_recipient SET answer_by = COALESCE(extended_deadline, NEW.deadline)
            WHERE remiss_id = NEW.id;
            RETURN NULL;
        END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER remiss_remiss_answer_by AFTER UPDATE OF deadline ON remiss_remiss
        FOR EACH ROW WHEN (OLD.deadline IS DISTINCT FROM NEW.deadline)
        EXECUTE FUNCTION remiss_remiss_answer_by();""",
        SEARCH_DOCUMENTS,
    ]
    return statements


def postgres_drop() -> list[str]:
    statements = [
        """DROP INDEX IF EXISTS remiss_search_document;
ALTER TABLE remiss_remiss DROP COLUMN IF EXISTS search_document;
DROP INDEX IF EXISTS focusareaview_search_document;
ALTER TABLE remiss_focusareaview DROP COLUMN IF EXISTS search_document;
DROP INDEX IF EXISTS statement_search_document;
ALTER TABLE remiss_statement DROP COLUMN IF EXISTS search_document;""",
        "DROP TRIGGER IF EXISTS remiss_recipient_answer_by ON remiss_recipient;",
        "DROP TRIGGER IF EXISTS remiss_remiss_answer_by ON remiss_remiss;",
        "DROP FUNCTION IF EXISTS remiss_recipient_answer_by();",
        "DROP FUNCTION IF EXISTS remiss_remiss_answer_by();",
    ]
    statements += [f"DROP TRIGGER IF EXISTS {t}_frozen ON {t};" for t in STATEMENT_CHILDREN]
    statements += [
        "DROP TRIGGER IF EXISTS remiss_statement_frozen ON remiss_statement;",
        "DROP FUNCTION IF EXISTS remiss_statement_frozen();",
        "DROP FUNCTION IF EXISTS remiss_statement_child_frozen();",
    ]
    for table in APPEND_ONLY:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_refuse_update();",
        ]
    return statements


def database_rules(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"sqlite": sqlite_sql, "postgresql": postgres_sql}.get(vendor)
    for statement in sql() if sql else []:
        schema_editor.execute(statement)


def drop_database_rules(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = {"sqlite": sqlite_drop, "postgresql": postgres_drop}.get(vendor)
    for statement in sql() if sql else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('remiss', '0001_initial'),
        ('remiss', '0002_status_event_append_only'),
        ('remiss', '0003_preparation_step_order'),
        ('remiss', '0004_statement_versions'),
        ('remiss', '0005_meetings_and_decisions'),
        ('remiss', '0006_frozen_statement_text'),
        ('remiss', '0007_attendance_role_label'),
        ('remiss', '0008_stored_documents'),
        ('remiss', '0009_extensions_and_reminders'),
        ('remiss', '0010_login_failures'),
        ('remiss', '0011_council_seats_attendance_and_agenda_issues'),
        ('remiss', '0011_event_vocabulary'),
        ('remiss', '0011_statement_imports'),
        ('remiss', '0012_merge_council_and_event_vocabulary'),
        ('remiss', '0012_status_constraints'),
        ('remiss', '0012_worker_heartbeats_and_daily_runs'),
        ('remiss', '0013_durable_documents_and_mail'),
        ('remiss', '0013_event_action_taken_off_agenda'),
        ('remiss', '0014_merge_status_constraints_and_council'),
        ('remiss', '0015_merge_statement_imports'),
        ('remiss', '0016_merge_durable_jobs_and_council'),
        ('remiss', '0017_recipient_reply_registration_number'),
        ('remiss', '0018_justering'),
        ('remiss', '0019_decided_reply_and_delegation'),
        ('remiss', '0020_everyday'),
        ('remiss', '0021_event_actions_merged'),
        ('remiss', '0022_round'),
        ('remiss', '0023_event_actions_with_round'),
        ('remiss', '0024_performance'),
        ('remiss', '0025_preview'),
        ('remiss', '0026_decision_justify_now_index'),
        ('remiss', '0027_agenda_issue_rendered_by_a_job'),
        ('remiss', '0028_recipient_organisation_status'),
        ('remiss', '0029_search_documents'),
        ('remiss', '0030_recipient_answer_by'),
    ]

    dependencies = [
        ('programs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username', models.CharField(db_index=True, max_length=150, verbose_name='användarnamn')),
                ('address', models.GenericIPAddressField(blank=True, db_index=True, null=True, verbose_name='adress')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='när')),
            ],
            options={
                'verbose_name': 'misslyckad inloggning',
                'verbose_name_plural': 'misslyckade inloggningar',
                'ordering': ['-at'],
            },
        ),
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('worker_id', models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='arbetsprocess')),
                ('host', models.CharField(max_length=255, verbose_name='dator')),
                ('pid', models.PositiveIntegerField(verbose_name='process-id')),
                ('started_at', models.DateTimeField(verbose_name='startad')),
                ('seen_at', models.DateTimeField(db_index=True, verbose_name='senast hörd')),
            ],
            options={
                'verbose_name': 'arbetsprocess',
                'verbose_name_plural': 'arbetsprocesser',
                'ordering': ['-seen_at'],
            },
        ),
        migrations.CreateModel(
            name='AgendaItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='paragraf')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('closed', models.BooleanField(default=False, help_text='Behandlas inom stängda dörrar; handlingarna visas aldrig offentligt.', verbose_name='stängd paragraf')),
                ('tabled_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='remiss.agendaitem', verbose_name='bordlagt från')),
            ],
            options={
                'verbose_name': 'paragraf',
                'verbose_name_plural': 'föredragningslista',
                'ordering': ['meeting', 'number'],
            },
        ),
        migrations.CreateModel(
            name='DailyRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job', models.CharField(max_length=50, verbose_name='jobb')),
                ('day', models.DateField(verbose_name='dag')),
                ('worker_id', models.CharField(max_length=64, verbose_name='arbetsprocess')),
                ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='startad')),
            ],
            options={
                'verbose_name': 'daglig körning',
                'verbose_name_plural': 'dagliga körningar',
                'ordering': ['-day', 'job'],
                'constraints': [models.UniqueConstraint(fields=('job', 'day'), name='one_daily_run_per_job_and_day')],
            },
        ),
        migrations.CreateModel(
            name='Decision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('adopted', 'Bifall'), ('adopted_with_changes', 'Bifall med ändringar'), ('referred_back', 'Återremiss'), ('tabled', 'Bordläggning'), ('rejected', 'Avslag')], max_length=30, verbose_name='utfall')),
                ('text', models.TextField(verbose_name='beslut')),
                ('changes', models.TextField(blank=True, help_text='Den ändrade texten, när beslutet är bifall med ändringar.', verbose_name='ändringar')),
                ('amendments', models.JSONField(blank=True, default=dict, help_text='Vid bifall med ändringar: nämndens lydelse per ändrat avsnitt (fältets namn) och förslagen till beslut (proposals, en lista). Tjänsteutlåtandet ändras inte.', verbose_name='ändrad lydelse')),
                ('next_step', models.CharField(blank=True, choices=[('answer_later', 'Nämnden svarar senare'), ('request_extension', 'Nämnden begär anstånd och svarar senare'), ('decline', 'Nämnden avstår från att svara')], help_text='Vid avslag utan eget yttrande: vad nämnden beslutade om svaret.', max_length=30, verbose_name='vad som händer sedan')),
                ('next_step_reason', models.TextField(blank=True, verbose_name='skäl att avstå')),
                ('immediate', models.BooleanField(default=False, verbose_name='justeras omedelbart')),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beslutat')),
                ('justified_on', models.DateField(blank=True, null=True, verbose_name='justerat')),
                ('notice_date', models.DateField(blank=True, null=True, verbose_name='anslaget')),
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='decision', to='remiss.agendaitem', verbose_name='paragraf')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='protokollfört av')),
            ],
            options={
                'verbose_name': 'beslut',
                'verbose_name_plural': 'beslut',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('justified_on__isnull', True), ('notice_date__isnull', True)), models.Q(('justified_on__isnull', False), ('notice_date__isnull', False)), _connector='OR'), name='decision_notice_follows_justification'), models.CheckConstraint(condition=models.Q(('outcome__in', ['adopted', 'adopted_with_changes', 'referred_back', 'tabled', 'rejected'])), name='decision_outcome_known')],
                'indexes': [models.Index(condition=models.Q(('immediate', True), ('justified_on__isnull', True)), fields=['item'], name='decision_justify_now')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalDecision',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('adopted', 'Bifall'), ('adopted_with_changes', 'Bifall med ändringar'), ('referred_back', 'Återremiss'), ('tabled', 'Bordläggning'), ('rejected', 'Avslag')], max_length=30, verbose_name='utfall')),
                ('text', models.TextField(verbose_name='beslut')),
                ('changes', models.TextField(blank=True, help_text='Den ändrade texten, när beslutet är bifall med ändringar.', verbose_name='ändringar')),
                ('amendments', models.JSONField(blank=True, default=dict, help_text='Vid bifall med ändringar: nämndens lydelse per ändrat avsnitt (fältets namn) och förslagen till beslut (proposals, en lista). Tjänsteutlåtandet ändras inte.', verbose_name='ändrad lydelse')),
                ('next_step', models.CharField(blank=True, choices=[('answer_later', 'Nämnden svarar senare'), ('request_extension', 'Nämnden begär anstånd och svarar senare'), ('decline', 'Nämnden avstår från att svara')], help_text='Vid avslag utan eget yttrande: vad nämnden beslutade om svaret.', max_length=30, verbose_name='vad som händer sedan')),
                ('next_step_reason', models.TextField(blank=True, verbose_name='skäl att avstå')),
                ('immediate', models.BooleanField(default=False, verbose_name='justeras omedelbart')),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beslutat')),
                ('justified_on', models.DateField(blank=True, null=True, verbose_name='justerat')),
                ('notice_date', models.DateField(blank=True, null=True, verbose_name='anslaget')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.agendaitem', verbose_name='paragraf')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='protokollfört av')),
            ],
            options={
                'verbose_name': 'historical beslut',
                'verbose_name_plural': 'historical beslut',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMeeting',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('date', models.DateField(verbose_name='datum')),
                ('starts_at', models.TimeField(blank=True, null=True, verbose_name='klockan')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='plats')),
                ('chair_capacity', models.CharField(choices=[('chair', 'Ordförande'), ('vice_chair', 'Vice ordförande, när ordföranden är frånvarande'), ('eldest', 'Ålderspresident, vald när ordförandena är frånvarande')], default='chair', max_length=20, verbose_name='ordförande i egenskap av')),
                ('open', models.BooleanField(default=False, help_text='Allmänheten får närvara; föredragningslistan visas på de offentliga sidorna.', verbose_name='offentligt sammanträde')),
                ('other_participants', models.TextField(blank=True, help_text='Tjänstepersoner och andra, en per rad.', verbose_name='övriga närvarande')),
                ('justification_place', models.CharField(blank=True, max_length=200, verbose_name='justeringens plats')),
                ('justification_date', models.DateField(blank=True, null=True, verbose_name='justeringens dag')),
                ('minutes_justified_on', models.DateField(blank=True, null=True, verbose_name='protokollet justerat')),
                ('notice_date', models.DateField(blank=True, null=True, verbose_name='anslaget')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('chair', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ordförande')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('secretary', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sekreterare')),
            ],
            options={
                'verbose_name': 'historical sammanträde',
                'verbose_name_plural': 'historical sammanträden',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalRecusal',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.agendaitem', verbose_name='paragraf')),
                ('member', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='jävig')),
                ('substitute', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ersättare som tjänstgör')),
            ],
            options={
                'verbose_name': 'historical jäv',
                'verbose_name_plural': 'historical jäv',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(verbose_name='datum')),
                ('starts_at', models.TimeField(blank=True, null=True, verbose_name='klockan')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='plats')),
                ('chair_capacity', models.CharField(choices=[('chair', 'Ordförande'), ('vice_chair', 'Vice ordförande, när ordföranden är frånvarande'), ('eldest', 'Ålderspresident, vald när ordförandena är frånvarande')], default='chair', max_length=20, verbose_name='ordförande i egenskap av')),
                ('open', models.BooleanField(default=False, help_text='Allmänheten får närvara; föredragningslistan visas på de offentliga sidorna.', verbose_name='offentligt sammanträde')),
                ('other_participants', models.TextField(blank=True, help_text='Tjänstepersoner och andra, en per rad.', verbose_name='övriga närvarande')),
                ('justification_place', models.CharField(blank=True, max_length=200, verbose_name='justeringens plats')),
                ('justification_date', models.DateField(blank=True, null=True, verbose_name='justeringens dag')),
                ('minutes_justified_on', models.DateField(blank=True, null=True, verbose_name='protokollet justerat')),
                ('notice_date', models.DateField(blank=True, null=True, verbose_name='anslaget')),
                ('chair', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ordförande')),
                ('justifiers', models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='justerare')),
                ('secretary', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sekreterare')),
            ],
            options={
                'verbose_name': 'sammanträde',
                'verbose_name_plural': 'sammanträden',
                'ordering': ['-date', '-starts_at'],
                'indexes': [models.Index(condition=models.Q(('minutes_justified_on__isnull', True)), fields=['date'], name='meeting_not_justified')],
            },
        ),
        migrations.CreateModel(
            name='JustificationSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('signed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='justerat')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256 av den justerade texten')),
                ('method', models.CharField(blank=True, max_length=40, verbose_name='identifiering')),
                ('reference', models.CharField(blank=True, max_length=200, verbose_name='referens')),
                ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='remiss.decision', verbose_name='omedelbart justerad paragraf')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='remiss.meeting', verbose_name='sammanträde')),
            ],
            options={
                'verbose_name': 'justering',
                'verbose_name_plural': 'justeringar',
                'ordering': ['signed_at', 'pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('decision__isnull', False)), fields=('decision', 'user'), name='justify_paragraph_once_per_person'), models.UniqueConstraint(condition=models.Q(('decision__isnull', True)), fields=('meeting', 'user'), name='justify_once_per_person')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalMeeting_justifiers',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='remiss.historicalmeeting')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.meeting')),
            ],
            options={
                'verbose_name': 'HistoricalMeeting_justifiers',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='agendaitem',
            name='meeting',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='remiss.meeting', verbose_name='sammanträde'),
        ),
        migrations.CreateModel(
            name='AgendaIssue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('pending', 'Väntar'), ('running', 'Pågår'), ('failed', 'Misslyckades'), ('ready', 'Klar')], default='pending', max_length=20, verbose_name='läge')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='försök')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='nästa försök')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='påbörjat')),
                ('claimed_by', models.CharField(blank=True, max_length=64, verbose_name='arbetsprocess')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beställd')),
                ('error', models.TextField(blank=True, verbose_name='senaste fel')),
                ('version', models.PositiveSmallIntegerField(verbose_name='version')),
                ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='skickad')),
                ('file', models.FileField(blank=True, max_length=300, upload_to='kallelser/%Y/%m/', verbose_name='fil')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                ('html', models.TextField(blank=True, verbose_name='utskrift att göra PDF av')),
                ('items', models.JSONField(default=list, help_text='Föredragningslistan som skickad.', verbose_name='punkter')),
                ('meeting_details', models.JSONField(default=dict, verbose_name='tid och plats')),
                ('issued_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='av')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='issues', to='remiss.meeting', verbose_name='sammanträde')),
            ],
            options={
                'verbose_name': 'kallelse',
                'verbose_name_plural': 'kallelser',
                'ordering': ['meeting', 'version'],
                'constraints': [models.UniqueConstraint(fields=('meeting', 'version'), name='agenda_issue_version')],
            },
        ),
        migrations.CreateModel(
            name='MeetingEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('created', 'Sammanträdet skapades'), ('details_changed', 'Tid och plats ändrades'), ('attendance_recorded', 'Närvaron registrerades'), ('recusal_recorded', 'Jäv registrerades'), ('recusal_removed', 'Jäv togs bort'), ('item_added', 'Punkt lades till'), ('item_moved', 'Punkt flyttades'), ('item_removed', 'Punkt ströks'), ('agenda_issued', 'Kallelsen skickades'), ('decision_corrected', 'Beslutet rättades'), ('reservation_reasons', 'Reservationens motivering lämnades'), ('marked_immediate', 'Paragrafen ska justeras omedelbart'), ('justification_signed', 'Justering undertecknad'), ('justified', 'Justerat'), ('notice_posted', 'Anslaget sattes upp'), ('notice_taken_down', 'Anslaget togs ned')], max_length=30, verbose_name='händelse')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='när')),
                ('reason', models.TextField(blank=True, verbose_name='skäl')),
                ('changes', models.JSONField(blank=True, default=dict, help_text='Fält: [före, efter].', verbose_name='ändringar')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='vem')),
                ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='events', to='remiss.agendaitem', verbose_name='paragraf')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='remiss.meeting', verbose_name='sammanträde')),
            ],
            options={
                'verbose_name': 'händelse vid sammanträdet',
                'verbose_name_plural': 'händelser vid sammanträden',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='MeetingProposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mover', models.CharField(max_length=200, verbose_name='yrkande av')),
                ('kind', models.CharField(choices=[('adopt', 'Bifall'), ('reject', 'Avslag'), ('refer_back', 'Återremiss'), ('table', 'Bordläggning'), ('amend', 'Ändringsyrkande')], max_length=20, verbose_name='yrkande')),
                ('text', models.TextField(blank=True, verbose_name='text')),
                ('adopted_as_reply', models.BooleanField(default=False, help_text='Nämnden avslog förvaltningens förslag och antog yrkandets text som sitt svar.', verbose_name='antaget som nämndens yttrande')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='remiss.decision', verbose_name='beslut')),
            ],
            options={
                'verbose_name': 'yrkande',
                'verbose_name_plural': 'yrkanden',
                'ordering': ['decision', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('adopted_as_reply', False), models.Q(('text', ''), _negated=True), _connector='OR'), name='adopted_reply_has_text'), models.UniqueConstraint(condition=models.Q(('adopted_as_reply', True)), fields=('decision',), name='one_adopted_reply_per_decision'), models.CheckConstraint(condition=models.Q(('kind__in', ['adopt', 'reject', 'refer_back', 'table', 'amend'])), name='proposal_kind_known')],
            },
        ),
        migrations.CreateModel(
            name='Notice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('paragraphs', models.CharField(max_length=200, verbose_name='paragrafer')),
                ('justified_on', models.DateField(verbose_name='justerat')),
                ('posted_on', models.DateField(verbose_name='anslaget')),
                ('posted_at', models.DateTimeField(verbose_name='uppsatt')),
                ('appeal_ends', models.DateField(verbose_name='sista dag för överklagande')),
                ('takes_down_on', models.DateField(verbose_name='tas ned')),
                ('kept_at', models.CharField(max_length=300, verbose_name='förvaringsplats för protokollet')),
                ('taken_down_at', models.DateTimeField(blank=True, null=True, verbose_name='nedtaget')),
                ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='remiss.decision', verbose_name='omedelbart justerad paragraf')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='remiss.meeting', verbose_name='sammanträde')),
            ],
            options={
                'verbose_name': 'anslag',
                'verbose_name_plural': 'anslag',
                'ordering': ['-posted_at', '-pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('posted_on__gte', models.F('justified_on')), ('appeal_ends__gt', models.F('posted_on')), ('takes_down_on__gt', models.F('appeal_ends'))), name='notice_dates_in_order'), models.UniqueConstraint(condition=models.Q(('decision__isnull', False)), fields=('decision',), name='notice_once_per_paragraph'), models.UniqueConstraint(condition=models.Q(('decision__isnull', True)), fields=('meeting',), name='notice_once_per_minutes')],
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=40, verbose_name='slag')),
                ('text', models.CharField(max_length=300, verbose_name='text')),
                ('link', models.CharField(blank=True, max_length=500, verbose_name='länk')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='skapad')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='läst')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='mottagare')),
            ],
            options={
                'verbose_name': 'notis',
                'verbose_name_plural': 'notiser',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['recipient', '-created_at'], name='notification_latest'), models.Index(fields=['recipient', 'read_at'], name='notification_unread')],
            },
        ),
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('executive_board', 'Kommunstyrelse'), ('district_council', 'Stadsdelsnämnd'), ('specialist_board', 'Facknämnd'), ('municipal_federation', 'Kommunalförbund'), ('company_board', 'Bolagsstyrelse'), ('region', 'Region eller landsting'), ('state_authority', 'Statlig myndighet'), ('association', 'Förening eller organisation'), ('company', 'Företag')], max_length=30, verbose_name='typ')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='namn')),
                ('administration', models.CharField(blank=True, help_text='Förvaltningen eller kontoret som bereder nämndens ärenden.', max_length=200, verbose_name='förvaltning')),
                ('registry_prefix', models.CharField(blank=True, help_text='Prefixet i förvaltningens diarienummer, till exempel SÖD.', max_length=12, verbose_name='diarieprefix')),
                ('valid_from', models.DateField(verbose_name='giltig från')),
                ('valid_to', models.DateField(blank=True, help_text='Tomt om organisationen finns kvar.', null=True, verbose_name='giltig till och med')),
                ('usual_justification_days', models.PositiveSmallIntegerField(default=7, help_text='Används för att varna när ett svarsdatum kommer före den vanliga justeringen.', verbose_name='protokollet justeras normalt inom (dagar)')),
                ('contact_email', models.EmailField(blank=True, help_text='För en remissinstans utanför kommunen: dit remissen och länken att svara skickas. För en remittent utanför kommunen: dit kommunens svar expedieras.', max_length=254, verbose_name='kontaktadress (e-post)')),
                ('successor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='predecessors', to='remiss.organisation', verbose_name='efterträdare')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisationer',
                'ordering': ['name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_to__gte', models.F('valid_from')), _connector='OR'), name='organisation_validity_ordered', violation_error_message='Giltig till kan inte ligga före giltig från.')],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('remiss_coordinator', 'Remissamordnare'), ('registrar', 'Registrator'), ('case_officer', 'Handläggare'), ('head_of_administration', 'Förvaltningschef'), ('secretary', 'Nämndsekreterare'), ('chair', 'Ordförande'), ('justifier', 'Justerare'), ('member', 'Ledamot'), ('substitute', 'Ersättare')], max_length=30, verbose_name='roll')),
                ('title', models.CharField(blank=True, help_text='Till exempel Stadsdelsdirektör.', max_length=120, verbose_name='titel')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefon')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='remiss.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'roll',
                'verbose_name_plural': 'roller',
                'ordering': ['organisation__name', 'role'],
                'constraints': [models.UniqueConstraint(fields=('user', 'organisation', 'role'), name='membership_unique_role', violation_error_message='Personen har redan den rollen i organisationen.')],
            },
        ),
        migrations.AddField(
            model_name='meeting',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='remiss.organisation', verbose_name='nämnd'),
        ),
        migrations.CreateModel(
            name='HistoricalSeat',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('member', 'Ledamot'), ('substitute', 'Ersättare')], max_length=20, verbose_name='plats')),
                ('office', models.CharField(blank=True, choices=[('', '–'), ('chair', 'Ordförande'), ('vice_chair', 'Vice ordförande'), ('second_vice_chair', 'Andre vice ordförande')], default='', max_length=20, verbose_name='uppdrag')),
                ('party', models.CharField(help_text='Till exempel S, M, V.', max_length=40, verbose_name='parti')),
                ('position', models.PositiveSmallIntegerField(help_text='Ledamöternas ordning; för ersättare ordningen de kallas in i.', verbose_name='ordning')),
                ('term_starts', models.DateField(verbose_name='mandatperioden börjar')),
                ('term_ends', models.DateField(verbose_name='mandatperioden slutar')),
                ('illustrative', models.BooleanField(default=False, help_text='Påhittad person i demodata, inte en verklig ledamot.', verbose_name='demodata')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.organisation', verbose_name='nämnd')),
            ],
            options={
                'verbose_name': 'historical plats i nämnden',
                'verbose_name_plural': 'historical ledamöter och ersättare',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalOrganisation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('executive_board', 'Kommunstyrelse'), ('district_council', 'Stadsdelsnämnd'), ('specialist_board', 'Facknämnd'), ('municipal_federation', 'Kommunalförbund'), ('company_board', 'Bolagsstyrelse'), ('region', 'Region eller landsting'), ('state_authority', 'Statlig myndighet'), ('association', 'Förening eller organisation'), ('company', 'Företag')], max_length=30, verbose_name='typ')),
                ('name', models.CharField(db_index=True, max_length=200, verbose_name='namn')),
                ('administration', models.CharField(blank=True, help_text='Förvaltningen eller kontoret som bereder nämndens ärenden.', max_length=200, verbose_name='förvaltning')),
                ('registry_prefix', models.CharField(blank=True, help_text='Prefixet i förvaltningens diarienummer, till exempel SÖD.', max_length=12, verbose_name='diarieprefix')),
                ('valid_from', models.DateField(verbose_name='giltig från')),
                ('valid_to', models.DateField(blank=True, help_text='Tomt om organisationen finns kvar.', null=True, verbose_name='giltig till och med')),
                ('usual_justification_days', models.PositiveSmallIntegerField(default=7, help_text='Används för att varna när ett svarsdatum kommer före den vanliga justeringen.', verbose_name='protokollet justeras normalt inom (dagar)')),
                ('contact_email', models.EmailField(blank=True, help_text='För en remissinstans utanför kommunen: dit remissen och länken att svara skickas. För en remittent utanför kommunen: dit kommunens svar expedieras.', max_length=254, verbose_name='kontaktadress (e-post)')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('successor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.organisation', verbose_name='efterträdare')),
            ],
            options={
                'verbose_name': 'historical organisation',
                'verbose_name_plural': 'historical organisationer',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMembership',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('role', models.CharField(choices=[('remiss_coordinator', 'Remissamordnare'), ('registrar', 'Registrator'), ('case_officer', 'Handläggare'), ('head_of_administration', 'Förvaltningschef'), ('secretary', 'Nämndsekreterare'), ('chair', 'Ordförande'), ('justifier', 'Justerare'), ('member', 'Ledamot'), ('substitute', 'Ersättare')], max_length=30, verbose_name='roll')),
                ('title', models.CharField(blank=True, help_text='Till exempel Stadsdelsdirektör.', max_length=120, verbose_name='titel')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefon')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'historical roll',
                'verbose_name_plural': 'historical roller',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='historicalmeeting',
            name='organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.organisation', verbose_name='nämnd'),
        ),
        migrations.CreateModel(
            name='Delegation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('remiss_coordinator', 'Remissamordnare'), ('registrar', 'Registrator'), ('case_officer', 'Handläggare'), ('head_of_administration', 'Förvaltningschef'), ('secretary', 'Nämndsekreterare'), ('chair', 'Ordförande'), ('justifier', 'Justerare'), ('member', 'Ledamot'), ('substitute', 'Ersättare')], default='head_of_administration', max_length=30, verbose_name='delegat')),
                ('scope', models.CharField(default='Remisser som remittenten markerat får besvaras på delegation, och att avstå.', max_length=300, verbose_name='omfattning')),
                ('reference', models.CharField(blank=True, help_text='Till exempel 1.4.', max_length=60, verbose_name='punkt i delegationsordningen')),
                ('adopted_on', models.DateField(blank=True, null=True, verbose_name='beslutad av nämnden')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='delegations', to='remiss.organisation', verbose_name='nämnd')),
            ],
            options={
                'verbose_name': 'delegation',
                'verbose_name_plural': 'delegationsordning',
                'ordering': ['organisation__name', 'role'],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'role'), name='delegation_once')],
            },
        ),
        migrations.CreateModel(
            name='Preview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('pending', 'Väntar'), ('running', 'Pågår'), ('failed', 'Misslyckades'), ('ready', 'Klar')], default='pending', max_length=20, verbose_name='läge')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='försök')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='nästa försök')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='påbörjat')),
                ('claimed_by', models.CharField(blank=True, max_length=64, verbose_name='arbetsprocess')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beställd')),
                ('error', models.TextField(blank=True, verbose_name='senaste fel')),
                ('kind', models.CharField(choices=[('statement', 'Tjänsteutlåtande'), ('extract', 'Protokollsutdrag'), ('minutes', 'Protokoll'), ('compilation', 'Sammanställning')], max_length=20, verbose_name='handling')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='objekt')),
                ('fingerprint', models.CharField(max_length=64, verbose_name='SHA-256 av underlaget')),
                ('html', models.TextField(blank=True, verbose_name='underlag (HTML)')),
                ('file', models.FileField(blank=True, max_length=300, upload_to='forhandsvisningar/%Y/%m/', verbose_name='fil')),
                ('filename', models.CharField(max_length=255, verbose_name='filnamn vid nedladdning')),
                ('size', models.PositiveBigIntegerField(default=0, verbose_name='storlek (byte)')),
                ('rendered_at', models.DateTimeField(blank=True, null=True, verbose_name='skapad')),
            ],
            options={
                'verbose_name': 'förhandsvisning',
                'verbose_name_plural': 'förhandsvisningar',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['kind', 'object_id', 'created_at'], name='preview_object_idx')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id', 'fingerprint'), name='one_preview_per_rendering')],
            },
        ),
        migrations.CreateModel(
            name='ProtocolNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('by', models.CharField(max_length=300, verbose_name='av')),
                ('text', models.TextField(verbose_name='anteckning')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='remiss.decision', verbose_name='beslut')),
            ],
            options={
                'verbose_name': 'protokollsanteckning',
                'verbose_name_plural': 'protokollsanteckningar',
                'ordering': ['decision', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Recipient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('registration_number', models.CharField(blank=True, help_text='Remissinstansens diarienummer för ärendet, till exempel SÖD 2019/1102.', max_length=60, verbose_name='eget diarienummer')),
                ('reply_registration_number', models.CharField(blank=True, help_text='Diarienumret som remittentens diarium gav det inkomna svaret (via API:t).', max_length=60, verbose_name='remittentens diarienummer för svaret')),
                ('status', models.CharField(choices=[('awaiting', 'Inväntar svar'), ('delivered', 'Svar inkommet'), ('declined', 'Avstår'), ('recalled', 'Remissen återkallad'), ('not_received', 'Ej inkommit')], default='awaiting', max_length=20, verbose_name='status')),
                ('extended_deadline', models.DateField(blank=True, null=True, verbose_name='förlängt svarsdatum')),
                ('answer_by', models.DateField(editable=False, null=True, verbose_name='svara senast')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='svar expedierat')),
                ('declined_reason', models.TextField(blank=True, verbose_name='skäl att avstå')),
                ('next_step', models.CharField(blank=True, choices=[('answer_later', 'Nämnden avslog förslaget och svarar senare'), ('request_extension', 'Nämnden avslog förslaget och begär anstånd')], help_text='När nämnden avslog förvaltningens förslag utan eget yttrande.', max_length=30, verbose_name='nästa steg')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='received', to='remiss.organisation', verbose_name='remissinstans')),
            ],
            options={
                'verbose_name': 'remissinstans',
                'verbose_name_plural': 'remissinstanser',
                'ordering': ['remiss', 'organisation__name'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'declined'), models.Q(('declined_reason', ''), _negated=True)), models.Q(models.Q(('status', 'declined'), _negated=True), ('declined_reason', '')), _connector='OR'), name='recipient_decline_reason_follows_status'), models.CheckConstraint(condition=models.Q(models.Q(('delivered_at__isnull', False), ('status', 'delivered')), models.Q(models.Q(('status', 'delivered'), _negated=True), ('delivered_at__isnull', True)), _connector='OR'), name='recipient_delivered_at_follows_status'), models.CheckConstraint(condition=models.Q(('status__in', ['awaiting', 'delivered', 'declined', 'recalled', 'not_received'])), name='recipient_status_known'), models.UniqueConstraint(condition=models.Q(('registration_number', ''), _negated=True), fields=('organisation', 'registration_number'), name='recipient_registration_number_unique_in_organisation', violation_error_message='Organisationen har redan ett ärende med det diarienumret.')],
                'indexes': [models.Index(condition=models.Q(('status', 'awaiting')), fields=['answer_by'], name='recipient_awaiting_answer_by'), models.Index(fields=['organisation', 'status'], name='recipient_organisation_status')],
            },
        ),
        migrations.CreateModel(
            name='ReceivedReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('post', 'Per post'), ('email', 'Per e-post'), ('link', 'Via personlig svarslänk')], max_length=10, verbose_name='inkom')),
                ('received_on', models.DateField(verbose_name='inkom den')),
                ('registered_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='registrerat')),
                ('submitted_by_name', models.CharField(blank=True, max_length=200, verbose_name='inskickat av')),
                ('note', models.TextField(blank=True, verbose_name='anteckning')),
                ('file', models.FileField(max_length=300, upload_to=remiss.models.sending.received_reply_path, verbose_name='fil')),
                ('original_name', models.CharField(blank=True, max_length=255, verbose_name='ursprungligt filnamn')),
                ('content_type', models.CharField(max_length=120, verbose_name='filtyp')),
                ('size', models.PositiveBigIntegerField(verbose_name='storlek (byte)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('registered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registrerat av')),
                ('recipient', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='received_reply', to='remiss.recipient', verbose_name='remissinstans')),
            ],
            options={
                'verbose_name': 'inkommet remissvar',
                'verbose_name_plural': 'inkomna remissvar',
                'constraints': [models.CheckConstraint(condition=models.Q(('channel', 'link'), ('registered_by__isnull', False), _connector='OR'), name='received_reply_registered_by_someone'), models.CheckConstraint(condition=models.Q(('channel__in', ['post', 'email', 'link'])), name='received_reply_channel_known')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalStatement',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefon')),
                ('addressed_to', models.CharField(max_length=200, verbose_name='till')),
                ('date', models.DateField(verbose_name='datum')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('reference_line', models.CharField(blank=True, max_length=300, verbose_name='referensrad')),
                ('proposals', models.JSONField(blank=True, default=list, help_text='Beslutspunkterna i ordning, en text per punkt.', verbose_name='förslag till beslut')),
                ('summary', models.TextField(blank=True, verbose_name='sammanfattning')),
                ('background', models.TextField(blank=True, verbose_name='bakgrund')),
                ('preparation', models.TextField(blank=True, verbose_name='ärendets beredning')),
                ('matter', models.TextField(blank=True, verbose_name='ärendet')),
                ('views', models.TextField(blank=True, verbose_name='synpunkter och förslag')),
                ('signer_name', models.CharField(blank=True, max_length=200, verbose_name='undertecknad av')),
                ('signer_title', models.CharField(blank=True, max_length=200, verbose_name='undertecknarens titel')),
                ('signed_at', models.DateTimeField(blank=True, null=True, verbose_name='signerat')),
                ('status', models.CharField(choices=[('draft', 'Utkast'), ('in_review', 'Granskas'), ('ready', 'Signerat'), ('on_agenda', 'På föredragningslistan'), ('decided', 'Beslutat'), ('justified', 'Justerat'), ('delivered', 'Expedierat')], default='draft', max_length=20, verbose_name='status')),
                ('review_started_at', models.DateTimeField(blank=True, null=True, verbose_name='granskningen påbörjad')),
                ('version', models.PositiveIntegerField(default=0, help_text='Numret på den senast sparade versionen.', verbose_name='version')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='skapad')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='senast sparad')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('case_officer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handläggare')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('review_started_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='granskas av')),
                ('signed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signerat av')),
                ('recipient', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.recipient', verbose_name='remissinstans')),
            ],
            options={
                'verbose_name': 'historical tjänsteutlåtande',
                'verbose_name_plural': 'historical tjänsteutlåtanden',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalRemiss',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('registration_number', models.CharField(help_text='Avsändarens diarienummer, exakt som det skrivs, till exempel KS 2019/1543.', max_length=60, verbose_name='diarienummer')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('description', models.TextField(blank=True, verbose_name='beskrivning')),
                ('sent_on', models.DateField(blank=True, null=True, verbose_name='skickad')),
                ('delegable', models.BooleanField(default=False, help_text='Remissinstansen får svara genom ett delegationsbeslut (till exempel av förvaltningschefen) utan att nämnden sammanträder.', verbose_name='får besvaras på delegation')),
                ('deadline', models.DateField(verbose_name='svarsdatum')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='skapad')),
                ('reference', models.CharField(blank=True, help_text='Remittentens beteckning på förslaget, till exempel SOU 2025:12 eller Ds 2025:3.', max_length=60, verbose_name='beteckning')),
                ('subject_kind', models.CharField(blank=True, choices=[('motion', 'Motion'), ('citizen_proposal', 'Medborgarförslag')], default='', max_length=20, verbose_name='gäller')),
                ('subject_number', models.CharField(blank=True, max_length=40, verbose_name='motionens eller förslagets nummer')),
                ('subject_mover', models.CharField(blank=True, max_length=200, verbose_name='motionär eller förslagsställare')),
                ('subject_party', models.CharField(blank=True, max_length=60, verbose_name='parti')),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='omgången avslutad')),
                ('withdrawn_on', models.DateField(blank=True, null=True, verbose_name='återkallad')),
                ('withdrawn_reason', models.TextField(blank=True, verbose_name='skäl till återkallelsen')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('programme', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programs.programme', verbose_name='program')),
                ('sender', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.organisation', verbose_name='remittent')),
                ('forwarded_from', models.ForeignKey(blank=True, db_constraint=False, help_text='Kommunstyrelsens ärende om en remiss utifrån, som den här remissen skickar vidare till nämnder och bolag.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.recipient', verbose_name='vidareremitterad från')),
            ],
            options={
                'verbose_name': 'historical remiss',
                'verbose_name_plural': 'historical remisser',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ExtensionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requested_deadline', models.DateField(verbose_name='begärt svarsdatum')),
                ('reason', models.TextField(verbose_name='skäl')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='begärt')),
                ('state', models.CharField(choices=[('pending', 'Väntar på svar'), ('granted', 'Beviljat'), ('refused', 'Avslaget')], default='pending', max_length=20, verbose_name='beslut')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='beslutat')),
                ('answer', models.TextField(blank=True, verbose_name='kommentar till beslutet')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='beslutat av')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='begärt av')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='extension_requests', to='remiss.recipient', verbose_name='remissinstans')),
            ],
            options={
                'verbose_name': 'begäran om anstånd',
                'verbose_name_plural': 'begäranden om anstånd',
                'ordering': ['-requested_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('decided_at__isnull', True), ('decided_by__isnull', True), ('state', 'pending')), models.Q(models.Q(('state', 'pending'), _negated=True), ('decided_at__isnull', False), ('decided_by__isnull', False)), _connector='OR'), name='extension_decision_follows_state'), models.CheckConstraint(condition=models.Q(('state__in', ['pending', 'granted', 'refused'])), name='extension_state_known'), models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('recipient',), name='one_pending_extension_per_recipient', violation_error_message='Det finns redan en obesvarad begäran om anstånd.')],
            },
        ),
        migrations.CreateModel(
            name='DelegatedDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reply', 'Remissvar på delegation'), ('decline', 'Avstår från att svara')], max_length=20, verbose_name='beslut')),
                ('delegate_name', models.CharField(max_length=200, verbose_name='delegatens namn')),
                ('delegate_title', models.CharField(blank=True, max_length=200, verbose_name='delegatens titel')),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beslutat')),
                ('text', models.TextField(verbose_name='beslut')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='delegat')),
                ('reported_at', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='delegated_decisions', to='remiss.agendaitem', verbose_name='anmält i paragraf')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='delegated_decisions', to='remiss.recipient', verbose_name='remissinstans')),
            ],
            options={
                'verbose_name': 'delegationsbeslut',
                'verbose_name_plural': 'delegationsbeslut',
                'ordering': ['decided_at', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['reply', 'decline'])), name='delegated_decision_kind_known')],
            },
        ),
        migrations.CreateModel(
            name='Recusal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recusals', to='remiss.agendaitem', verbose_name='paragraf')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='jävig')),
                ('substitute', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ersättare som tjänstgör')),
            ],
            options={
                'verbose_name': 'jäv',
                'verbose_name_plural': 'jäv',
                'ordering': ['item', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('item', 'member'), name='recusal_once_per_paragraph')],
            },
        ),
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('before', 'Före svarsdatum'), ('overdue', 'Efter svarsdatum'), ('manual', 'Skickad av remissamordnaren')], max_length=20, verbose_name='slag')),
                ('for_deadline', models.DateField(verbose_name='gäller svarsdatum')),
                ('sent_on', models.DateField(default=django.utils.timezone.localdate, verbose_name='skickad dag')),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='skickad')),
                ('addresses', models.TextField(blank=True, verbose_name='mottagare')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reminders', to='remiss.recipient', verbose_name='remissinstans')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='skickad av')),
            ],
            options={
                'verbose_name': 'påminnelse',
                'verbose_name_plural': 'påminnelser',
                'ordering': ['-sent_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['before', 'overdue', 'manual'])), name='reminder_kind_known'), models.UniqueConstraint(fields=('recipient', 'for_deadline', 'sent_on'), name='one_reminder_per_recipient_and_day'), models.UniqueConstraint(condition=models.Q(('kind', 'manual'), _negated=True), fields=('recipient', 'kind', 'for_deadline'), name='one_automatic_reminder_per_deadline')],
            },
        ),
        migrations.CreateModel(
            name='Remiss',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('registration_number', models.CharField(help_text='Avsändarens diarienummer, exakt som det skrivs, till exempel KS 2019/1543.', max_length=60, verbose_name='diarienummer')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('description', models.TextField(blank=True, verbose_name='beskrivning')),
                ('sent_on', models.DateField(blank=True, null=True, verbose_name='skickad')),
                ('delegable', models.BooleanField(default=False, help_text='Remissinstansen får svara genom ett delegationsbeslut (till exempel av förvaltningschefen) utan att nämnden sammanträder.', verbose_name='får besvaras på delegation')),
                ('deadline', models.DateField(verbose_name='svarsdatum')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('reference', models.CharField(blank=True, help_text='Remittentens beteckning på förslaget, till exempel SOU 2025:12 eller Ds 2025:3.', max_length=60, verbose_name='beteckning')),
                ('subject_kind', models.CharField(blank=True, choices=[('motion', 'Motion'), ('citizen_proposal', 'Medborgarförslag')], default='', max_length=20, verbose_name='gäller')),
                ('subject_number', models.CharField(blank=True, max_length=40, verbose_name='motionens eller förslagets nummer')),
                ('subject_mover', models.CharField(blank=True, max_length=200, verbose_name='motionär eller förslagsställare')),
                ('subject_party', models.CharField(blank=True, max_length=60, verbose_name='parti')),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='omgången avslutad')),
                ('withdrawn_on', models.DateField(blank=True, null=True, verbose_name='återkallad')),
                ('withdrawn_reason', models.TextField(blank=True, verbose_name='skäl till återkallelsen')),
                ('forwarded_from', models.ForeignKey(blank=True, help_text='Kommunstyrelsens ärende om en remiss utifrån, som den här remissen skickar vidare till nämnder och bolag.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='forwarded_remisses', to='remiss.recipient', verbose_name='vidareremitterad från')),
                ('programme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='remisses', to='programs.programme', verbose_name='program')),
                ('sender', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sent_remisses', to='remiss.organisation', verbose_name='remittent')),
            ],
            options={
                'verbose_name': 'remiss',
                'verbose_name_plural': 'remisser',
                'ordering': ['deadline', 'registration_number'],
                'constraints': [models.CheckConstraint(condition=models.Q(('sent_on__isnull', True), ('deadline__gte', models.F('sent_on')), _connector='OR'), name='remiss_deadline_after_sending', violation_error_message='Svarsdatum kan inte ligga före dagen remissen skickas.'), models.UniqueConstraint(fields=('sender', 'registration_number'), name='remiss_registration_number_unique_for_sender', violation_error_message='Avsändaren har redan en remiss med det diarienumret.')],
                'indexes': [models.Index(models.OrderBy(models.F('sent_on'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('sent_on__isnull', False)), name='remiss_public_newest')],
            },
        ),
        migrations.AddField(
            model_name='recipient',
            name='remiss',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recipients', to='remiss.remiss', verbose_name='remiss'),
        ),
        migrations.CreateModel(
            name='HistoricalRecipient',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('registration_number', models.CharField(blank=True, help_text='Remissinstansens diarienummer för ärendet, till exempel SÖD 2019/1102.', max_length=60, verbose_name='eget diarienummer')),
                ('reply_registration_number', models.CharField(blank=True, help_text='Diarienumret som remittentens diarium gav det inkomna svaret (via API:t).', max_length=60, verbose_name='remittentens diarienummer för svaret')),
                ('status', models.CharField(choices=[('awaiting', 'Inväntar svar'), ('delivered', 'Svar inkommet'), ('declined', 'Avstår'), ('recalled', 'Remissen återkallad'), ('not_received', 'Ej inkommit')], default='awaiting', max_length=20, verbose_name='status')),
                ('extended_deadline', models.DateField(blank=True, null=True, verbose_name='förlängt svarsdatum')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='svar expedierat')),
                ('declined_reason', models.TextField(blank=True, verbose_name='skäl att avstå')),
                ('next_step', models.CharField(blank=True, choices=[('answer_later', 'Nämnden avslog förslaget och svarar senare'), ('request_extension', 'Nämnden avslog förslaget och begär anstånd')], help_text='När nämnden avslog förvaltningens förslag utan eget yttrande.', max_length=30, verbose_name='nästa steg')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.organisation', verbose_name='remissinstans')),
                ('remiss', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.remiss', verbose_name='remiss')),
            ],
            options={
                'verbose_name': 'historical remissinstans',
                'verbose_name_plural': 'historical remissinstanser',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ReplyLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='kontrollsumma')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='skapad')),
                ('expires_at', models.DateTimeField(verbose_name='gäller till')),
                ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='använd')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reply_links', to='remiss.recipient', verbose_name='remissinstans')),
            ],
            options={
                'verbose_name': 'svarslänk',
                'verbose_name_plural': 'svarslänkar',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Reservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('member', models.CharField(max_length=300, verbose_name='reserverar sig')),
                ('reason', models.TextField(blank=True, verbose_name='motivering')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reservations', to='remiss.decision', verbose_name='beslut')),
                ('person', models.ForeignKey(blank=True, help_text='Den tjänstgörande som reserverade sig (tom i äldre poster).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ledamot')),
            ],
            options={
                'verbose_name': 'reservation',
                'verbose_name_plural': 'reservationer',
                'ordering': ['decision', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Seat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('member', 'Ledamot'), ('substitute', 'Ersättare')], max_length=20, verbose_name='plats')),
                ('office', models.CharField(blank=True, choices=[('', '–'), ('chair', 'Ordförande'), ('vice_chair', 'Vice ordförande'), ('second_vice_chair', 'Andre vice ordförande')], default='', max_length=20, verbose_name='uppdrag')),
                ('party', models.CharField(help_text='Till exempel S, M, V.', max_length=40, verbose_name='parti')),
                ('position', models.PositiveSmallIntegerField(help_text='Ledamöternas ordning; för ersättare ordningen de kallas in i.', verbose_name='ordning')),
                ('term_starts', models.DateField(verbose_name='mandatperioden börjar')),
                ('term_ends', models.DateField(verbose_name='mandatperioden slutar')),
                ('illustrative', models.BooleanField(default=False, help_text='Påhittad person i demodata, inte en verklig ledamot.', verbose_name='demodata')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='seats', to='remiss.organisation', verbose_name='nämnd')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='seats', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'plats i nämnden',
                'verbose_name_plural': 'ledamöter och ersättare',
                'ordering': ['organisation', '-term_starts', 'kind', 'position'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind', 'member'), ('office', ''), _connector='OR'), name='seat_office_only_for_members', violation_error_message='Ordförande och vice ordförande är ledamöter.'), models.CheckConstraint(condition=models.Q(('term_ends__gte', models.F('term_starts'))), name='seat_term_ordered', violation_error_message='Mandatperioden kan inte sluta innan den börjar.'), models.UniqueConstraint(fields=('organisation', 'term_starts', 'person'), name='seat_once_per_person_and_term', violation_error_message='Personen har redan en plats i nämnden den perioden.'), models.UniqueConstraint(fields=('organisation', 'term_starts', 'kind', 'position'), name='seat_position_unique_in_term', violation_error_message='Det finns redan en plats med den ordningen.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalAttendance',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('serving', models.BooleanField(default=True, verbose_name='tjänstgörande')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('arrives_at', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.agendaitem', verbose_name='från och med paragraf')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('leaves_after', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.agendaitem', verbose_name='till och med paragraf')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.meeting', verbose_name='sammanträde')),
                ('replaces', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.seat', verbose_name='tjänstgör för')),
                ('seat', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.seat', verbose_name='plats')),
            ],
            options={
                'verbose_name': 'historical närvarande',
                'verbose_name_plural': 'historical närvaro',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('serving', models.BooleanField(default=True, verbose_name='tjänstgörande')),
                ('arrives_at', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='remiss.agendaitem', verbose_name='från och med paragraf')),
                ('leaves_after', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='remiss.agendaitem', verbose_name='till och med paragraf')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='remiss.meeting', verbose_name='sammanträde')),
                ('replaces', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='remiss.seat', verbose_name='tjänstgör för')),
                ('seat', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attendance', to='remiss.seat', verbose_name='plats')),
            ],
            options={
                'verbose_name': 'närvarande',
                'verbose_name_plural': 'närvaro',
                'ordering': ['meeting', '-serving', 'seat__kind', 'seat__position'],
                'constraints': [models.UniqueConstraint(fields=('meeting', 'user'), name='attendance_once_per_meeting')],
            },
        ),
        migrations.CreateModel(
            name='SpecialStatement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('by', models.CharField(max_length=300, verbose_name='av')),
                ('text', models.TextField(verbose_name='uttalande')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='special_statements', to='remiss.decision', verbose_name='beslut')),
            ],
            options={
                'verbose_name': 'särskilt uttalande',
                'verbose_name_plural': 'särskilda uttalanden',
                'ordering': ['decision', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Statement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone', models.CharField(blank=True, max_length=40, verbose_name='telefon')),
                ('addressed_to', models.CharField(max_length=200, verbose_name='till')),
                ('date', models.DateField(verbose_name='datum')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('reference_line', models.CharField(blank=True, max_length=300, verbose_name='referensrad')),
                ('proposals', models.JSONField(blank=True, default=list, help_text='Beslutspunkterna i ordning, en text per punkt.', verbose_name='förslag till beslut')),
                ('summary', models.TextField(blank=True, verbose_name='sammanfattning')),
                ('background', models.TextField(blank=True, verbose_name='bakgrund')),
                ('preparation', models.TextField(blank=True, verbose_name='ärendets beredning')),
                ('matter', models.TextField(blank=True, verbose_name='ärendet')),
                ('views', models.TextField(blank=True, verbose_name='synpunkter och förslag')),
                ('signer_name', models.CharField(blank=True, max_length=200, verbose_name='undertecknad av')),
                ('signer_title', models.CharField(blank=True, max_length=200, verbose_name='undertecknarens titel')),
                ('signed_at', models.DateTimeField(blank=True, null=True, verbose_name='signerat')),
                ('status', models.CharField(choices=[('draft', 'Utkast'), ('in_review', 'Granskas'), ('ready', 'Signerat'), ('on_agenda', 'På föredragningslistan'), ('decided', 'Beslutat'), ('justified', 'Justerat'), ('delivered', 'Expedierat')], default='draft', max_length=20, verbose_name='status')),
                ('review_started_at', models.DateTimeField(blank=True, null=True, verbose_name='granskningen påbörjad')),
                ('version', models.PositiveIntegerField(default=0, help_text='Numret på den senast sparade versionen.', verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='skapad')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='senast sparad')),
                ('case_officer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statements', to=settings.AUTH_USER_MODEL, verbose_name='handläggare')),
                ('recipient', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='statement', to='remiss.recipient', verbose_name='remissinstans')),
                ('review_started_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='granskas av')),
                ('signed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signerat av')),
            ],
            options={
                'verbose_name': 'tjänsteutlåtande',
                'verbose_name_plural': 'tjänsteutlåtanden',
                'ordering': ['-date', 'title'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('signed_at__isnull', True), ('signed_by__isnull', True), ('status__in', ['draft', 'in_review'])), models.Q(models.Q(('status__in', ['draft', 'in_review']), _negated=True), ('signed_at__isnull', False)), _connector='OR'), name='statement_signature_follows_status', violation_error_message='Ett signerat utlåtande har en signering, ett osignerat ingen.'), models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'in_review', 'ready', 'on_agenda', 'decided', 'justified', 'delivered'])), name='statement_status_known')],
            },
        ),
        migrations.CreateModel(
            name='ReviewComment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('section', models.CharField(max_length=30, verbose_name='avsnitt')),
                ('text', models.TextField(verbose_name='kommentar')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='skriven')),
                ('version', models.PositiveIntegerField(verbose_name='gäller version')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='av')),
                ('focus_area', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programs.focusarea', verbose_name='fokusområde')),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='review_comments', to='remiss.statement', verbose_name='utlåtande')),
            ],
            options={
                'verbose_name': 'granskningskommentar',
                'verbose_name_plural': 'granskningskommentarer',
                'ordering': ['statement', '-created_at', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('focus_area__isnull', False), ('section', 'focus_area')), models.Q(models.Q(('section', 'focus_area'), _negated=True), ('focus_area__isnull', True)), _connector='OR'), name='review_comment_focus_area_with_its_anchor')],
            },
        ),
        migrations.CreateModel(
            name='PreparationStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('internal', 'Intern beredning'), ('staff_group', 'Förvaltningsgrupp'), ('pensioners_council', 'Pensionärsråd'), ('disability_council', 'Råd för funktionshindersfrågor'), ('other', 'Annat')], max_length=30, verbose_name='typ')),
                ('who', models.CharField(max_length=300, verbose_name='vem')),
                ('date', models.DateField(blank=True, null=True, verbose_name='datum')),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='preparation_steps', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'beredningssteg',
                'verbose_name_plural': 'ärendets beredning',
                'ordering': ['statement', models.OrderBy(models.F('date'), nulls_first=True), 'pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPreparationStep',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('internal', 'Intern beredning'), ('staff_group', 'Förvaltningsgrupp'), ('pensioners_council', 'Pensionärsråd'), ('disability_council', 'Råd för funktionshindersfrågor'), ('other', 'Annat')], max_length=30, verbose_name='typ')),
                ('who', models.CharField(max_length=300, verbose_name='vem')),
                ('date', models.DateField(blank=True, null=True, verbose_name='datum')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('statement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'historical beredningssteg',
                'verbose_name_plural': 'historical ärendets beredning',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalFocusAreaView',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('text', models.TextField(verbose_name='synpunkter')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('focus_area', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programs.focusarea', verbose_name='fokusområde')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('statement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'historical synpunkt per fokusområde',
                'verbose_name_plural': 'historical synpunkter per fokusområde',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalAttachment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('file', models.TextField(max_length=300, verbose_name='fil')),
                ('original_name', models.CharField(blank=True, max_length=255, verbose_name='ursprungligt filnamn')),
                ('content_type', models.CharField(max_length=120, verbose_name='filtyp')),
                ('size', models.PositiveBigIntegerField(verbose_name='storlek (byte)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('position', models.PositiveSmallIntegerField(default=1, verbose_name='ordning')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uppladdad')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('uploaded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uppladdad av')),
                ('remiss', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.remiss', verbose_name='remiss')),
                ('statement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'historical bilaga',
                'verbose_name_plural': 'historical bilagor',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalAgendaItem',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='paragraf')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('closed', models.BooleanField(default=False, help_text='Behandlas inom stängda dörrar; handlingarna visas aldrig offentligt.', verbose_name='stängd paragraf')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('tabled_from', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.agendaitem', verbose_name='bordlagt från')),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.meeting', verbose_name='sammanträde')),
                ('statement', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'historical paragraf',
                'verbose_name_plural': 'historical föredragningslista',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='FocusAreaView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='synpunkter')),
                ('focus_area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='views', to='programs.focusarea', verbose_name='fokusområde')),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='focus_area_views', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'synpunkt per fokusområde',
                'verbose_name_plural': 'synpunkter per fokusområde',
                'ordering': ['statement', 'focus_area__number'],
                'constraints': [models.UniqueConstraint(fields=('statement', 'focus_area'), name='focus_area_view_once_per_statement', violation_error_message='Utlåtandet har redan synpunkter på det fokusområdet.')],
            },
        ),
        migrations.CreateModel(
            name='AutosavedDraft',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('base_version', models.PositiveIntegerField(verbose_name='utgår från version')),
                ('data', models.JSONField(verbose_name='formulärdata')),
                ('saved_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sparat')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='autosaves', to='remiss.statement', verbose_name='utlåtande')),
            ],
            options={
                'verbose_name': 'autosparat utkast',
                'verbose_name_plural': 'autosparade utkast',
                'constraints': [models.UniqueConstraint(fields=('statement', 'user'), name='one_autosave_per_person')],
            },
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=300, verbose_name='rubrik')),
                ('file', models.FileField(max_length=300, upload_to=remiss.models.remisses.attachment_path, verbose_name='fil')),
                ('original_name', models.CharField(blank=True, max_length=255, verbose_name='ursprungligt filnamn')),
                ('content_type', models.CharField(max_length=120, verbose_name='filtyp')),
                ('size', models.PositiveBigIntegerField(verbose_name='storlek (byte)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('position', models.PositiveSmallIntegerField(default=1, verbose_name='ordning')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uppladdad')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uppladdad av')),
                ('remiss', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='remiss.remiss', verbose_name='remiss')),
                ('statement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'bilaga',
                'verbose_name_plural': 'bilagor',
                'ordering': ['position', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('remiss__isnull', False), ('statement__isnull', True)), models.Q(('remiss__isnull', True), ('statement__isnull', False)), _connector='OR'), name='attachment_has_one_owner', violation_error_message='En bilaga hör till en remiss eller ett utlåtande.')],
            },
        ),
        migrations.AddField(
            model_name='agendaitem',
            name='statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='agenda_items', to='remiss.statement', verbose_name='tjänsteutlåtande'),
        ),
        migrations.CreateModel(
            name='StatementImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=300, upload_to=remiss.models.imports.import_path, verbose_name='fil')),
                ('original_name', models.CharField(max_length=255, verbose_name='ursprungligt filnamn')),
                ('content_type', models.CharField(max_length=120, verbose_name='filtyp')),
                ('size', models.PositiveBigIntegerField(verbose_name='storlek (byte)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('recognised', models.JSONField(verbose_name='det som kändes igen')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='inläst')),
                ('version', models.PositiveIntegerField(blank=True, null=True, verbose_name='blev version')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imports', to='remiss.recipient', verbose_name='remissinstans')),
                ('statement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='remiss.statement', verbose_name='tjänsteutlåtande')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='av')),
            ],
            options={
                'verbose_name': 'inläst tjänsteutlåtande',
                'verbose_name_plural': 'inlästa tjänsteutlåtanden',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='StatementVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='nummer')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='sparad')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='anteckning')),
                ('content', models.JSONField(verbose_name='innehåll')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sparad av')),
                ('statement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='remiss.statement', verbose_name='utlåtande')),
            ],
            options={
                'verbose_name': 'version',
                'verbose_name_plural': 'versioner',
                'ordering': ['statement', '-number'],
                'constraints': [models.UniqueConstraint(fields=('statement', 'number'), name='statement_version_number_unique', violation_error_message='Utlåtandet har redan en version med det numret.')],
            },
        ),
        migrations.CreateModel(
            name='StatusEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('received', 'Remissen mottagen'), ('registered', 'Diariefört'), ('started', 'Utlåtandet påbörjat'), ('submitted', 'Lämnat till granskning'), ('submission_withdrawn', 'Tillbakataget från granskning'), ('review_started', 'Granskningen påbörjad'), ('returned', 'Returnerat'), ('signed', 'Signerat'), ('withdrawn', 'Signeringen tillbakatagen'), ('put_on_agenda', 'Uppsatt på föredragningslistan'), ('decided', 'Beslutat'), ('referred_back', 'Återremitterat'), ('tabled', 'Bordlagt'), ('taken_off_agenda', 'Struket från föredragningslistan'), ('justified', 'Justerat'), ('delivered', 'Expedierat'), ('declined', 'Avstår'), ('rejected', 'Förslaget avslaget'), ('delegated', 'Besvarat på delegation'), ('extension_asked', 'Anstånd begärt'), ('extension_granted', 'Anstånd beviljat'), ('extension_refused', 'Anstånd avslaget'), ('reminded', 'Påminnelse skickad'), ('remiss_changed', 'Remissen ändrad'), ('recalled', 'Remissen återkallad'), ('not_received', 'Svar ej inkommit'), ('reply_registered', 'Svar registrerat'), ('forwarded', 'Remissen skickad vidare'), ('other', 'Annan händelse')], max_length=30, verbose_name='händelse')),
                ('subject', models.CharField(choices=[('statement', 'Tjänsteutlåtandet'), ('recipient', 'Remissinstansen')], max_length=20, verbose_name='gäller')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='när')),
                ('from_status', models.CharField(blank=True, max_length=30, verbose_name='från')),
                ('to_status', models.CharField(blank=True, max_length=30, verbose_name='till')),
                ('comment', models.TextField(blank=True, verbose_name='kommentar')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='vem')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='remiss.recipient', verbose_name='remissinstans')),
                ('statement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='remiss.statement', verbose_name='tjänsteutlåtande')),
            ],
            options={
                'verbose_name': 'händelse',
                'verbose_name_plural': 'händelser',
                'ordering': ['created_at', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('subject', 'recipient'), models.Q(('statement__isnull', False), ('subject', 'statement')), _connector='OR'), name='status_event_subject_known'), models.CheckConstraint(condition=models.Q(('action__in', ['received', 'registered', 'started', 'submitted', 'submission_withdrawn', 'review_started', 'returned', 'signed', 'withdrawn', 'put_on_agenda', 'decided', 'referred_back', 'tabled', 'taken_off_agenda', 'justified', 'delivered', 'declined', 'rejected', 'delegated', 'extension_asked', 'extension_granted', 'extension_refused', 'reminded', 'remiss_changed', 'recalled', 'not_received', 'reply_registered', 'forwarded', 'other'])), name='status_event_action_known')],
            },
        ),
        migrations.CreateModel(
            name='StoredDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('pending', 'Väntar'), ('running', 'Pågår'), ('failed', 'Misslyckades'), ('ready', 'Klar')], default='pending', max_length=20, verbose_name='läge')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='försök')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='nästa försök')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='påbörjat')),
                ('claimed_by', models.CharField(blank=True, max_length=64, verbose_name='arbetsprocess')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beställd')),
                ('error', models.TextField(blank=True, verbose_name='senaste fel')),
                ('kind', models.CharField(choices=[('reply', 'Yttrande (protokollsutdrag, tjänsteutlåtande och bilagor)'), ('statement', 'Tjänsteutlåtande'), ('extract', 'Protokollsutdrag')], max_length=20, verbose_name='handling')),
                ('file', models.FileField(blank=True, max_length=300, upload_to='arkiv/%Y/%m/', verbose_name='fil')),
                ('filename', models.CharField(blank=True, max_length=255, verbose_name='filnamn vid nedladdning')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256')),
                ('size', models.PositiveBigIntegerField(default=0, verbose_name='storlek (byte)')),
                ('pdfa', models.BooleanField(default=False, verbose_name='PDF/A')),
                ('rendered_at', models.DateTimeField(blank=True, null=True, verbose_name='skapad')),
                ('decision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='remiss.decision', verbose_name='beslut')),
            ],
            options={
                'verbose_name': 'arkiverad handling',
                'verbose_name_plural': 'arkiverade handlingar',
                'ordering': ['decision', 'kind'],
                'constraints': [models.UniqueConstraint(fields=('decision', 'kind'), name='one_stored_document_per_kind')],
            },
        ),
        migrations.CreateModel(
            name='OutgoingMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('pending', 'Väntar'), ('running', 'Pågår'), ('failed', 'Misslyckades'), ('ready', 'Klar')], default='pending', max_length=20, verbose_name='läge')),
                ('attempts', models.PositiveIntegerField(default=0, verbose_name='försök')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='nästa försök')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='påbörjat')),
                ('claimed_by', models.CharField(blank=True, max_length=64, verbose_name='arbetsprocess')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='beställd')),
                ('error', models.TextField(blank=True, verbose_name='senaste fel')),
                ('template', models.CharField(max_length=60, verbose_name='mall')),
                ('to', models.JSONField(default=list, verbose_name='till')),
                ('subject', models.CharField(max_length=300, verbose_name='ämne')),
                ('body', models.TextField(verbose_name='text')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='skickat')),
                ('attachment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='remiss.storeddocument', verbose_name='bifogad handling')),
            ],
            options={
                'verbose_name': 'utgående e-post',
                'verbose_name_plural': 'utgående e-post',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['state', 'next_attempt_at'], name='mail_due_idx')],
            },
        ),
        migrations.CreateModel(
            name='Vote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('proposition', models.TextField(help_text='Vad ja och nej står för, som ordföranden ställde det.', verbose_name='propositionsordning')),
                ('casting_vote', models.CharField(blank=True, choices=[('ja', 'Ja'), ('nej', 'Nej')], help_text='Avgör vid lika röstetal.', max_length=5, verbose_name='ordförandens utslagsröst')),
                ('decision', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='vote', to='remiss.decision', verbose_name='beslut')),
            ],
            options={
                'verbose_name': 'votering',
                'verbose_name_plural': 'voteringar',
                'constraints': [models.CheckConstraint(condition=models.Q(('casting_vote__in', ['', 'ja', 'nej'])), name='vote_casting_vote_known')],
            },
        ),
        migrations.CreateModel(
            name='Ballot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('choice', models.CharField(choices=[('ja', 'Ja'), ('nej', 'Nej'), ('avstår', 'Avstår')], max_length=10, verbose_name='röst')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ledamot')),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ballots', to='remiss.vote')),
            ],
            options={
                'verbose_name': 'röst',
                'verbose_name_plural': 'röster',
                'constraints': [models.CheckConstraint(condition=models.Q(('choice__in', ['ja', 'nej', 'avstår'])), name='ballot_choice_known'), models.UniqueConstraint(fields=('vote', 'member'), name='one_ballot_per_member')],
            },
        ),
        migrations.AddConstraint(
            model_name='recipient',
            constraint=models.UniqueConstraint(fields=('remiss', 'organisation'), name='recipient_once_per_remiss', violation_error_message='Organisationen är redan remissinstans för remissen.'),
        ),
        migrations.AddConstraint(
            model_name='agendaitem',
            constraint=models.UniqueConstraint(fields=('meeting', 'number'), name='agenda_item_number_unique_in_meeting', violation_error_message='Sammanträdet har redan en paragraf med det numret.'),
        ),
        migrations.AddConstraint(
            model_name='agendaitem',
            constraint=models.UniqueConstraint(condition=models.Q(('statement__isnull', False)), fields=('meeting', 'statement'), name='statement_once_per_meeting', violation_error_message='Utlåtandet står redan på föredragningslistan.'),
        ),
        migrations.RunPython(database_rules, drop_database_rules),
    ]
