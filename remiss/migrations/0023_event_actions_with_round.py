"""The event log's vocabulary with kommunstyrelsen's round as well (0022 knew only its own
actions). SQLite rebuilds remiss_statusevent, which drops its append-only trigger: it is put back
(as in 0019), in both directions."""

import importlib

from django.conf import settings
from django.db import migrations, models

append_only = importlib.import_module("remiss.migrations.0019_decided_reply_and_delegation")


class Migration(migrations.Migration):

    dependencies = [
        ('remiss', '0022_round'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='statusevent',
            name='status_event_action_known',
        ),
        migrations.AlterField(
            model_name='statusevent',
            name='action',
            field=models.CharField(choices=[('received', 'Remissen mottagen'), ('registered', 'Diariefört'), ('started', 'Utlåtandet påbörjat'), ('submitted', 'Lämnat till granskning'), ('submission_withdrawn', 'Tillbakataget från granskning'), ('review_started', 'Granskningen påbörjad'), ('returned', 'Returnerat'), ('signed', 'Signerat'), ('withdrawn', 'Signeringen tillbakatagen'), ('put_on_agenda', 'Uppsatt på föredragningslistan'), ('decided', 'Beslutat'), ('referred_back', 'Återremitterat'), ('tabled', 'Bordlagt'), ('taken_off_agenda', 'Struket från föredragningslistan'), ('justified', 'Justerat'), ('delivered', 'Expedierat'), ('declined', 'Avstår'), ('rejected', 'Förslaget avslaget'), ('delegated', 'Besvarat på delegation'), ('extension_asked', 'Anstånd begärt'), ('extension_granted', 'Anstånd beviljat'), ('extension_refused', 'Anstånd avslaget'), ('reminded', 'Påminnelse skickad'), ('remiss_changed', 'Remissen ändrad'), ('recalled', 'Remissen återkallad'), ('not_received', 'Svar ej inkommit'), ('reply_registered', 'Svar registrerat'), ('forwarded', 'Remissen skickad vidare'), ('other', 'Annan händelse')], max_length=30, verbose_name='händelse'),
        ),
        migrations.AddConstraint(
            model_name='statusevent',
            constraint=models.CheckConstraint(condition=models.Q(('action__in', ['received', 'registered', 'started', 'submitted', 'submission_withdrawn', 'review_started', 'returned', 'signed', 'withdrawn', 'put_on_agenda', 'decided', 'referred_back', 'tabled', 'taken_off_agenda', 'justified', 'delivered', 'declined', 'rejected', 'delegated', 'extension_asked', 'extension_granted', 'extension_refused', 'reminded', 'remiss_changed', 'recalled', 'not_received', 'reply_registered', 'forwarded', 'other'])), name='status_event_action_known'),
        ),
        migrations.RunPython(append_only.restore_trigger, append_only.restore_trigger),
    ]
