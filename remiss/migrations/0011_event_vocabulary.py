"""The event log gets a vocabulary: every event names its action and its subject.

Existing rows are given theirs from the statuses they recorded (and, for the steps that moved
no status, from the words of their comment). A delivery used to be written twice (the
statement's move and the recipient's, in the same instant): the statement's copy is removed,
so that the timeline tells each step once. The append-only trigger is lifted for the
duration of the migration and put back.
"""

from django.db import migrations, models
from django.db.models import Q

ACTIONS = [
    ("received", "Remissen mottagen"),
    ("started", "Utlåtandet påbörjat"),
    ("submitted", "Lämnat till granskning"),
    ("returned", "Returnerat"),
    ("signed", "Signerat"),
    ("withdrawn", "Signeringen tillbakatagen"),
    ("put_on_agenda", "Uppsatt på föredragningslistan"),
    ("decided", "Beslutat"),
    ("referred_back", "Återremitterat"),
    ("tabled", "Bordlagt"),
    ("justified", "Justerat"),
    ("delivered", "Expedierat"),
    ("declined", "Avstår"),
    ("extension_asked", "Anstånd begärt"),
    ("extension_granted", "Anstånd beviljat"),
    ("extension_refused", "Anstånd avslaget"),
    ("reminded", "Påminnelse skickad"),
    ("other", "Annan händelse"),
]

BY_STATUSES = {
    ("", "awaiting"): "received",
    ("", "draft"): "started",
    ("draft", "in_review"): "submitted",
    ("in_review", "draft"): "returned",
    ("in_review", "ready"): "signed",
    ("ready", "draft"): "withdrawn",
    ("ready", "on_agenda"): "put_on_agenda",
    ("on_agenda", "decided"): "decided",
    ("on_agenda", "draft"): "referred_back",
    ("on_agenda", "on_agenda"): "tabled",
    ("decided", "justified"): "justified",
    ("justified", "delivered"): "delivered",
    ("awaiting", "delivered"): "delivered",
    ("awaiting", "declined"): "declined",
}
RECIPIENT_ACTIONS = {
    "received",
    "delivered",
    "declined",
    "extension_asked",
    "extension_granted",
    "extension_refused",
    "reminded",
    "other",
}

SQLITE_CREATE = """
CREATE TRIGGER remiss_statusevent_no_update
BEFORE UPDATE ON remiss_statusevent
BEGIN
    SELECT RAISE(ABORT, 'remiss_statusevent is append-only');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS remiss_statusevent_no_update;"
POSTGRES_CREATE = """
CREATE TRIGGER remiss_statusevent_no_update
BEFORE UPDATE ON remiss_statusevent
FOR EACH ROW EXECUTE FUNCTION remiss_statusevent_refuse_update();
"""
POSTGRES_DROP = "DROP TRIGGER IF EXISTS remiss_statusevent_no_update ON remiss_statusevent;"


def lift_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


def restore_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
        schema_editor.execute(POSTGRES_CREATE)


def action_of(event) -> str:
    found = BY_STATUSES.get((event.from_status, event.to_status))
    if found:
        return found
    comment = event.comment.lower()
    if "påminnelse" in comment:
        return "reminded"
    if "begärt anstånd" in comment:
        return "extension_asked"
    if "anstånd" in comment and "beviljat" in comment:
        return "extension_granted"
    if "anstånd" in comment and "avslaget" in comment:
        return "extension_refused"
    return "other"


def name_the_actions(apps, schema_editor):
    # The database being migrated, which need not be the default one.
    events = apps.get_model("remiss", "StatusEvent").objects.using(schema_editor.connection.alias)
    # The statement's copy of a delivery, when the recipient's copy of the same instant exists.
    for event in events.filter(
        from_status="justified", to_status="delivered", statement__isnull=False
    ):
        if events.filter(
            statement_id=event.statement_id,
            from_status="awaiting",
            to_status="delivered",
            created_at=event.created_at,
        ).exists():
            event.delete()
    for event in events.all().iterator():
        action = action_of(event)
        subject = (
            "statement"
            if action not in RECIPIENT_ACTIONS and event.statement_id is not None
            else "recipient"
        )
        events.filter(pk=event.pk).update(action=action, subject=subject)


class Migration(migrations.Migration):
    dependencies = [("remiss", "0010_login_failures")]

    operations = [
        migrations.RunPython(lift_trigger, restore_trigger),
        migrations.AddField(
            model_name="statusevent",
            name="action",
            field=models.CharField(
                choices=ACTIONS, default="other", max_length=30, verbose_name="händelse"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="statusevent",
            name="subject",
            field=models.CharField(
                choices=[("statement", "Tjänsteutlåtandet"), ("recipient", "Remissinstansen")],
                default="recipient",
                max_length=20,
                verbose_name="gäller",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="to_status",
            field=models.CharField(blank=True, max_length=30, verbose_name="till"),
        ),
        migrations.RunPython(name_the_actions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="statusevent",
            constraint=models.CheckConstraint(
                condition=Q(action__in=[value for value, _ in ACTIONS]),
                name="status_event_action_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="statusevent",
            constraint=models.CheckConstraint(
                condition=Q(subject="recipient") | Q(subject="statement", statement__isnull=False),
                name="status_event_subject_known",
            ),
        ),
        migrations.RunPython(restore_trigger, lift_trigger),
    ]
