"""Task backends for the test suite."""

from django.tasks.backends.dummy import DummyBackend
from django.tasks.backends.immediate import ImmediateBackend


class MailAtOnceBackend(ImmediateBackend, DummyBackend):
    """Mail is sent at once, as with `make run`, and so is a preview someone asked to see (one
    click, one PDF); archived documents wait, as for a worker that is not running (rendering
    them is tested where it is the point, with the `run_tasks` fixture)."""

    AT_ONCE = {"remiss.notifications.send_outgoing", "remiss.previews.render_preview"}

    def enqueue(self, task, args, kwargs):
        if task.module_path in self.AT_ONCE:
            return super().enqueue(task, args, kwargs)
        return DummyBackend.enqueue(self, task, args, kwargs)

    def __init__(self, alias, params):
        ImmediateBackend.__init__(self, alias, params)
        self.results = []
