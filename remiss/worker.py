"""The background worker's companions: a heartbeat, handing back tasks of dead workers, and the
daily jobs, so that several workers (on one machine or several) can run at once safely.

`manage.py worker` runs django-tasks-db's worker loop and, beside it, a thread that every
WORKER_HEARTBEAT_SECONDS

- writes this worker's heartbeat (WorkerHeartbeat), which `manage.py worker_health` reads;
- hands back to the queue any task still marked running by a worker whose heartbeat is older than
  WORKER_STALE_SECONDS (it was killed, or its machine died, mid-task). Each task does one durable
  job (an archived document, a mail: remiss/tasks.py) that it claims first, so running it again
  is safe;
- puts back on the queue the durable jobs that are stuck (`recover_jobs`): a claim older than
  tasks.STALE_AFTER, a retry that is due, a job waiting with no task;
- starts the daily jobs (the reminders, taking down the anslag whose appeal time is over) once
  the local time has passed SCHEDULE_DAILY_AT: each is claimed with a row whose (job, day) is
  unique, so exactly one worker enqueues it, whatever the number of workers.
"""

import datetime
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from remiss import documents, minutes, notifications, previews
from remiss.models import DailyRun, WorkerHeartbeat

logger = logging.getLogger(__name__)


@task
def send_daily_reminders() -> int:
    """The daily reminders (påminnelser), as a task: enqueued once a day by one worker."""
    from remiss.sending import send_due_reminders

    return send_due_reminders()


@task
def take_down_notices() -> int:
    """Take down the anslag whose appeal time is over (KL 8 kap. 12 §), once a day. Safe to run
    again: a notice already taken down is left alone."""
    from remiss.workflow import take_down_notices as take_down

    return take_down()


DAILY_JOBS = {"send_reminders": send_daily_reminders, "take_down_notices": take_down_notices}


def beat(*, worker_id: str, started_at: datetime.datetime) -> None:
    """Hjärtslag: this worker is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def release_stale_tasks(*, now: datetime.datetime | None = None) -> list[str]:
    """Hand back to the queue the tasks held by workers silent for WORKER_STALE_SECONDS; the ids
    of the tasks handed back."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=stale_before).values_list(
            "worker_id", flat=True
        )
    )
    released = []
    for result in DBTaskResult.objects.running().filter(started_at__lt=stale_before):
        holder = result.worker_ids[-1] if result.worker_ids else None
        if holder in alive:
            continue
        # Only if it is still running: another worker may have handed it back meanwhile.
        if DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(status="READY"):
            logger.warning(
                "Uppgift %s (%s) lämnades av arbetsprocess %s som tystnat; den körs igen",
                result.pk,
                result.task_path,
                holder,
            )
            released.append(str(result.pk))
    WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=1)).delete()
    return released


def release_own_tasks(*, worker_id: str) -> list[str]:
    """At start-up: tasks still marked running under this worker id were left by an earlier
    process with the same id (a restart with a fixed --worker-id); hand them back at once."""
    released = []
    for result in DBTaskResult.objects.running():
        held = bool(result.worker_ids) and result.worker_ids[-1] == worker_id
        if held and DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
            status="READY"
        ):
            released.append(str(result.pk))
    return released


def recover_jobs() -> int:
    """Documents, previews, kallelser and mail whose worker died mid-job, whose last write the
    database refused, or whose retry is due, back on the queue (remiss/tasks.py); how many."""
    return documents.recover() + previews.recover() + minutes.recover() + notifications.recover()


def start_daily_jobs(*, worker_id: str, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue today's daily jobs if the hour has come and no worker has yet; the jobs this
    worker enqueued."""
    local = timezone.localtime(now or timezone.now())
    if local.time() < settings.SCHEDULE_DAILY_AT:
        return []
    started = []
    for job, daily_task in DAILY_JOBS.items():
        try:
            with transaction.atomic():
                DailyRun.objects.create(job=job, day=local.date(), worker_id=worker_id)
                daily_task.enqueue()
        except IntegrityError:
            continue  # another worker has it today
        logger.info("Dagligt jobb %s startat för %s", job, local.date())
        started.append(job)
    return started


class Companion(threading.Thread):
    """The thread beside the worker loop: heartbeat, stale tasks, daily jobs."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def first_tick(self) -> None:
        release_own_tasks(worker_id=self.worker_id)
        self.tick()

    def tick(self) -> None:
        beat(worker_id=self.worker_id, started_at=self.started_at)
        release_stale_tasks()
        recover_jobs()
        start_daily_jobs(worker_id=self.worker_id)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                self.tick()
            except Exception:  # the database may be away for a moment: try again next beat
                logger.exception("Arbetsprocessens hjärtslag misslyckades")
            self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS)
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=settings.WORKER_HEARTBEAT_SECONDS + 5)
        close_old_connections()
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def healthy_here(*, now: datetime.datetime | None = None) -> list[WorkerHeartbeat]:
    """The workers on this machine whose heartbeat is fresh."""
    now = now or timezone.now()
    return list(
        WorkerHeartbeat.objects.filter(
            host=socket.gethostname(),
            seen_at__gte=now - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS),
        )
    )
