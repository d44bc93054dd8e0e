"""The background workers' own bookkeeping: who is alive, and which daily job ran when."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """Arbetsprocess: one background worker (manage.py worker), alive while it writes its
    heartbeat. A task held by a worker whose heartbeat has gone stale goes back to the queue."""

    worker_id = models.CharField("arbetsprocess", max_length=64, primary_key=True)
    host = models.CharField("dator", max_length=255)
    pid = models.PositiveIntegerField("process-id")
    started_at = models.DateTimeField("startad")
    seen_at = models.DateTimeField("senast hörd", db_index=True)

    class Meta:
        verbose_name = "arbetsprocess"
        verbose_name_plural = "arbetsprocesser"
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id})"


class DailyRun(models.Model):
    """Daglig körning: a daily job (the reminders) started on one day by one worker. The unique
    pair (job, day) is what makes it run once a day however many workers there are."""

    job = models.CharField("jobb", max_length=50)
    day = models.DateField("dag")
    worker_id = models.CharField("arbetsprocess", max_length=64)
    started_at = models.DateTimeField("startad", auto_now_add=True)

    class Meta:
        verbose_name = "daglig körning"
        verbose_name_plural = "dagliga körningar"
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="one_daily_run_per_job_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day:%Y-%m-%d}"
