"""Prometheus metrics: requests, the task queue, and how long background work takes.

Counters and histograms live in the process that observes them. Under gunicorn, with several
worker processes, set PROMETHEUS_MULTIPROC_DIR to an empty folder on a tmpfs (cleared at each
start): prometheus-client then adds up every process's figures at scrape time. The queue's figures
are read from the database at scrape time, so every app server reports the same queue.
"""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "remiss_http_requests", "Requests answered, by view and status.", ["method", "view", "status"]
)
REQUEST_SECONDS = Histogram(
    "remiss_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TASK_SECONDS = Histogram(
    "remiss_task_duration_seconds",
    "Time a background task ran (render_documents renders the archived PDFs), by outcome.",
    ["task", "status"],
    buckets=(0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
)
CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe_request(method: str, view: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    REQUEST_SECONDS.labels(view=view).observe(seconds)


def observe_task(sender, task_result, **kwargs) -> None:
    """django.tasks' task_finished signal: how long the task ran, in the process that ran it."""
    if task_result.started_at is None or task_result.finished_at is None:
        return
    seconds = (task_result.finished_at - task_result.started_at).total_seconds()
    TASK_SECONDS.labels(task=task_result.task.name, status=task_result.status.name).observe(
        max(seconds, 0)
    )


class QueueCollector:
    """The queue as the database has it: tasks by state, the oldest waiting task's age, and
    archived documents still waiting or failed."""

    def collect(self):
        from django.db.models import Count, Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from remiss.models import StoredDocument

        tasks = GaugeMetricFamily(
            "remiss_task_queue_length", "Background tasks by state.", labels=["status"]
        )
        counts = dict(
            DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
            .values_list("status")
            .annotate(n=Count("id"))
        )
        for status in ("READY", "RUNNING"):
            tasks.add_metric([status], counts.get(status, 0))
        yield tasks
        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))["oldest"]
        yield GaugeMetricFamily(
            "remiss_task_oldest_ready_age_seconds",
            "How long the oldest waiting task has waited (0 when none waits).",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0,
        )
        documents = GaugeMetricFamily(
            "remiss_documents_not_ready", "Archived documents not yet stored.", labels=["state"]
        )
        counts = dict(
            StoredDocument.objects.exclude(state=StoredDocument.State.READY)
            .values_list("state")
            .annotate(n=Count("id"))
        )
        for state in (StoredDocument.State.PENDING, StoredDocument.State.FAILED):
            documents.add_metric([state], counts.get(state, 0))
        yield documents


def exposition() -> bytes:
    """Every metric in Prometheus' text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        own = generate_latest(registry)
    else:
        own = generate_latest(REGISTRY)
    queue = CollectorRegistry()
    queue.register(QueueCollector())
    return own + generate_latest(queue)
