"""The background worker (`make worker`): django-tasks-db's db_worker with a heartbeat beside it,
tasks of dead workers handed back, and the daily jobs (remiss/worker.py). Start as many as you
like, on one machine or several: each claims a task under a row lock, and each daily job runs
once a day.

    python manage.py worker [--metrics-port 9101] [db_worker's options]
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from remiss import pdf, worker


class Command(DatabaseWorkerCommand):
    help = (
        "Kör bakgrundsjobben (arkiverade PDF:er, dagliga påminnelser) med hjärtslag; "
        "flera samtidigt går bra."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # The reloader would run a second, idle heartbeat in its parent process.
        parser.set_defaults(reload=False)
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=None,
            help="Serve this worker's Prometheus metrics (render times) on this port.",
        )

    def handle(self, *args, metrics_port: int | None = None, **options) -> None:
        if metrics_port:
            from prometheus_client import start_http_server

            start_http_server(metrics_port)
        pdf.prepare()  # WeasyPrint is loaded on first use elsewhere; here, before any job
        companion = worker.Companion(options["worker_id"])
        companion.first_tick()  # alive before the first task is claimed
        companion.start()
        try:
            super().handle(*args, **options)
        finally:
            companion.stop()
