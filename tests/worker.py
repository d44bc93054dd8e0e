"""The background worker in a test: `work()` runs every job that is due, then returns."""

from django_tasks_db.management.commands.db_worker import Worker


def work() -> None:
    """The worker (`manage.py worker`) runs everything due, then stops."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
