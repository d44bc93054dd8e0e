"""Durable jobs (bakgrundsjobb): work ordered by a decision and done outside its request.

A job is a row (an archived document, an outgoing mail: `remiss.models.documents.Job`) written
in the same transaction as the step that orders it, so a committed step always has its jobs and
a rolled-back one has none. A task on Django's task queue does the work:

- With TASKS_BACKEND=database (production) the task row is written in that same transaction too
  (django-tasks-db), and `python manage.py worker` runs it. Nothing that happens after the
  commit, in the request or in the mail server, can cancel it.
- With the immediate backend (`make run`) the task runs when the transaction commits, in the
  request, as a robust on-commit hook: one hook that fails never stops the others.

Each attempt claims its row with a conditional UPDATE (so two workers never do one job), counts
the attempt, notes the worker, and on failure stores the error and the time of the next attempt:
30 s, 1, 2, 4 … minutes, up to an hour, eight attempts in all. A job that ran out of attempts
stays "failed" (with its reason, on the page and in the admin) until `python manage.py
requeue_failed` puts it back. A stale claim (its worker is gone, or the database refused the
last write: see `stale_claims`) is taken back by `recover`, which the worker runs with its
heartbeat (remiss/worker.py) and `requeue_failed` runs too; a task handed back to the queue
takes it over as well.

This module knows no job in particular (documents.py and notifications.py define theirs), so
there is no import circle between the jobs and the queue.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import Task, TaskContext
from django.utils import timezone, translation

if TYPE_CHECKING:
    from remiss.models.jobs import Job

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_DELAY = datetime.timedelta(seconds=30)
LONGEST_DELAY = datetime.timedelta(hours=1)
# A claim is stale (its worker is gone) when the worker that made it has had no heartbeat for
# WORKER_STALE_SECONDS (remiss/worker.py), or in any case after this long: a worker that is alive
# but stuck on one job for an hour is as good as gone. A slow worker loses nothing by it: its
# late result is not recorded, the new attempt's is.
STALE_AFTER = datetime.timedelta(hours=1)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the given number of failed attempts: 30 s, 1 min, 2 min … at most 1 h."""
    return min(FIRST_DELAY * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


def is_durable(task: Task) -> bool:
    """Does the task's backend keep its queue in our database (django-tasks-db)?"""
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task: Task, job_id: int, *, at: datetime.datetime | None = None) -> None:
    """Order one attempt at the job: in the current transaction when the queue is in the
    database, else (the immediate backend) when the transaction commits. `at` defers it."""
    if is_durable(task):
        (task.using(run_after=at) if at else task).enqueue(job_id)
    elif at is None:
        transaction.on_commit(lambda: task.enqueue(job_id), robust=True)
    # The immediate backend cannot wait: a deferred retry waits for `requeue_failed` or `recover`.


def stale_claims(job_model: type[Job], now: datetime.datetime) -> Q:
    """Jobs claimed by a worker that is gone (no heartbeat for WORKER_STALE_SECONDS; the
    immediate backend's request process has none), or claimed longer ago than STALE_AFTER."""
    from remiss.models import WorkerHeartbeat

    silent_since = now - datetime.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=silent_since).values("worker_id")
    return Q(state=job_model.State.RUNNING) & (
        Q(claimed_at__lt=now - STALE_AFTER)
        | (Q(claimed_at__lt=silent_since) & ~Q(claimed_by__in=alive))
    )


def worker_of(context: TaskContext) -> str:
    """The id of the worker running the task (the immediate backend has one per process)."""
    worker_ids = context.task_result.worker_ids
    return worker_ids[-1] if worker_ids else ""


def run(
    job_model: type[Job],
    job_id: int,
    work: Callable[[Job], None],
    task: Task,
    worker_id: str = "",
) -> bool:
    """One attempt at a job: claim it, do `work`, record the outcome. True when done.

    `work` does the job and saves what it made on the row (the caller's fields); the state
    is set here. An exception in `work` is a failed attempt: logged, stored with a retry time,
    and raised again so that the task queue records it as well.
    """
    State = job_model.State
    now = timezone.now()
    due = (
        Q(state=State.PENDING, next_attempt_at__isnull=True)
        | Q(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now)
        | stale_claims(job_model, now)  # its worker is gone
    )
    claimed = job_model.objects.filter(due, pk=job_id).update(
        state=State.RUNNING, attempts=F("attempts") + 1, claimed_at=now, claimed_by=worker_id
    )
    if not claimed:  # done already, in the hands of another worker, or not due yet
        return False
    job = job_model.objects.get(pk=job_id)
    mine = {"pk": job.pk, "state": State.RUNNING, "attempts": job.attempts}
    try:
        # Documents and mail are Swedish, whoever's request (in English) ordered them.
        with translation.override(settings.LANGUAGE_CODE):
            work(job)
    except Exception as error:
        logger.exception("%s %s: försök %s misslyckades", job_model.__name__, job_id, job.attempts)
        retry = job.attempts < MAX_ATTEMPTS
        next_attempt = timezone.now() + backoff(job.attempts) if retry else None
        job_model.objects.filter(**mine).update(
            state=State.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=next_attempt,
            claimed_at=None,
        )
        if retry:
            enqueue(task, job_id, at=next_attempt)
        raise
    # Only the attempt that still holds the claim may finish it (a stale claim was taken back).
    finished = job_model.objects.filter(**mine).update(
        state=State.READY, error="", next_attempt_at=None, claimed_at=None
    )
    return bool(finished)


def keep_file(job: Job, name: str, content: bytes, **fields) -> bool:
    """Store the file an attempt made and its fields on the job's row, if this attempt still
    holds the claim (tasks.run then marks it done); a late attempt whose claim was taken back
    deletes its file again, which is nobody's. `job` has a FileField named `file`."""
    from django.core.files.base import ContentFile

    job.file.save(name, ContentFile(content), save=False)  # type: ignore[attr-defined]
    stored = (
        type(job)
        .objects.filter(pk=job.pk, state=job.State.RUNNING, attempts=job.attempts)
        .update(file=job.file.name, **fields)  # type: ignore[attr-defined]
    )
    if not stored:
        job.file.delete(save=False)  # type: ignore[attr-defined]
    return bool(stored)


def retry(job_model: type[Job], task: Task, job_id: int) -> bool:
    """Försök igen, asked for by a person: a failed job is ordered again now, with fresh
    attempts. False when it had not failed (done, or under way). With the immediate backend it
    runs here and now: the person is waiting for it."""
    State = job_model.State
    durable = is_durable(task)
    with transaction.atomic():
        again = job_model.objects.filter(pk=job_id, state=State.FAILED).update(
            state=State.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
        )
        if again and durable:
            task.enqueue(job_id)
    if again and not durable:
        task.enqueue(job_id)
    return bool(again)


def recover(
    job_model: type[Job], task: Task, *, failed: bool = False, only: list[int] | None = None
) -> int:
    """Put stuck jobs back on the queue; the number put back.

    Always: stale claims (the worker died mid-job, or the database refused its last write;
    see `stale_claims`), and jobs waiting since longer than STALE_AFTER with no task to run
    them (the immediate backend's on-commit hook never ran, or a deferred retry that cannot wait
    there).
    With `failed`: every failed job, also those out of attempts, now, with new attempts.
    `only` limits it to these jobs (the admin's action).
    """
    State = job_model.State
    now = timezone.now()
    stale = now - STALE_AFTER
    waiting_long = Q(state=State.PENDING) & (
        Q(next_attempt_at__isnull=True, created_at__lt=stale) | Q(next_attempt_at__lt=stale)
    )
    requeued = 0
    with transaction.atomic():
        candidates = job_model.objects.select_for_update(skip_locked=True)
        if only is not None:
            candidates = candidates.filter(pk__in=only)
        stuck = candidates.filter(
            stale_claims(job_model, now)
            | waiting_long
            | Q(state=State.FAILED, next_attempt_at__lte=now)
            | (Q(state=State.FAILED) if failed else Q(pk__in=[]))
        )
        for job in stuck:
            if job.state == State.RUNNING:
                logger.warning(
                    "%s %s: påbörjades %s och blev aldrig klart; läggs i kön igen",
                    job_model.__name__,
                    job.pk,
                    job.claimed_at,
                )
                job.state = State.PENDING
                job.error = "Arbetet avbröts innan det blev klart (arbetsprocessen stannade)."
            if failed and job.state == State.FAILED:
                job.attempts = 0
            job.next_attempt_at = now  # also marks when a waiting job was last put back
            job.claimed_at = None
            job.save(update_fields=["state", "error", "attempts", "next_attempt_at", "claimed_at"])
            enqueue(task, job.pk)
            requeued += 1
    return requeued
