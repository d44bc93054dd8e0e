"""Several workers at once: heartbeats, tasks of a dead worker handed back, daily jobs once."""

import datetime
import socket

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from remiss import worker
from remiss.documents import render_document
from remiss.models import DailyRun, WorkerHeartbeat

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2019, 12, 12, 7, 0))


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_STALE_SECONDS = 60
    settings.SCHEDULE_DAILY_AT = datetime.time(6, 0)


def claimed_by(worker_id: str, *, started: datetime.datetime) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=render_document.enqueue(1).id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=started)
    return result


def heartbeat(worker_id: str, seen: datetime.datetime) -> None:
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, host="app1", pid=1, started_at=seen, seen_at=seen
    )


def test_a_task_held_by_a_worker_gone_silent_goes_back_to_the_queue():
    heartbeat("dod", NOW - datetime.timedelta(minutes=5))
    task = claimed_by("dod", started=NOW - datetime.timedelta(minutes=5))

    released = worker.release_stale_tasks(now=NOW)

    assert released == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == "READY"
    assert task.worker_ids == ["dod"]


def test_a_task_held_by_a_live_worker_is_left_alone_however_long_it_runs():
    heartbeat("levande", NOW - datetime.timedelta(seconds=5))
    task = claimed_by("levande", started=NOW - datetime.timedelta(hours=1))

    assert worker.release_stale_tasks(now=NOW) == []

    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_just_claimed_is_not_handed_back_before_its_worker_could_beat():
    task = claimed_by("ny", started=NOW - datetime.timedelta(seconds=10))

    assert worker.release_stale_tasks(now=NOW) == []

    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_worker_restarted_under_its_old_id_takes_back_what_it_held_at_once():
    heartbeat("app1-1", NOW)
    task = claimed_by("app1-1", started=NOW)

    assert worker.release_own_tasks(worker_id="app1-1") == [str(task.pk)]

    task.refresh_from_db()
    assert task.status == "READY"


def test_the_daily_reminders_start_once_whatever_the_number_of_workers():
    started = [worker.start_daily_jobs(worker_id=name, now=NOW) for name in ("a", "b", "c")]

    assert started == [["send_reminders", "take_down_notices"], [], []]
    assert sorted(DailyRun.objects.values_list("job", "day", "worker_id")) == [
        ("send_reminders", datetime.date(2019, 12, 12), "a"),
        ("take_down_notices", datetime.date(2019, 12, 12), "a"),
    ]
    assert sorted(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("remiss.worker.send_daily_reminders", "READY"),
        ("remiss.worker.take_down_notices", "READY"),
    ]


def test_no_daily_job_starts_before_the_hour():
    assert worker.start_daily_jobs(worker_id="a", now=NOW.replace(hour=5, minute=59)) == []

    assert not DailyRun.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_next_day_starts_the_reminders_again():
    worker.start_daily_jobs(worker_id="a", now=NOW)

    assert worker.start_daily_jobs(worker_id="b", now=NOW + datetime.timedelta(days=1)) == [
        "send_reminders",
        "take_down_notices",
    ]
    assert DailyRun.objects.count() == 4


def test_worker_health_fails_when_no_worker_here_has_been_heard():
    with pytest.raises(CommandError, match="Ingen arbetsprocess"):
        call_command("worker_health")


def test_worker_health_passes_while_a_worker_here_beats(capsys):
    worker.beat(worker_id="denna", started_at=timezone.now())

    call_command("worker_health")

    assert f"{socket.gethostname()}:" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_worker_finishing_its_batch_leaves_no_heartbeat_behind():
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    assert not WorkerHeartbeat.objects.exists()
