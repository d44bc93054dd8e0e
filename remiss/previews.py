"""Förhandsvisningar: PDFs of documents that are not final yet, rendered by a durable job, never
inside the request that asks for one (issue 14).

A statement before justering, a protokollsutdrag or a protokoll marked UTKAST, and
kommunstyrelsen's compilation of the replies change until they are final, so they are not
archived (remiss/documents.py archives the justified ones). Laying one out takes WeasyPrint a
second or more, too long for a web request. So the request builds only the print HTML (a few
queries and a template) and orders a `Preview` keyed by the object and the SHA-256 of that HTML:

- the same HTML again (nothing changed) finds the row and is served from storage, rendered once;
- changed content is a new fingerprint, so a new row and a fresh rendering;
- the job renders the HTML stored on the row, the document exactly as it was when asked for.

With TASKS_BACKEND=database the job is written with the row and `manage.py worker` renders it
(the page says "PDF:en förbereds" and asks again until it is ready). With the immediate
backend (`make run`) it runs at once, in the request, so one click still gives the PDF. A failed
rendering is retried with backoff like every durable job (remiss/tasks.py), and `retry` lets the
person try again at once. A few renderings per object are kept (PREVIEWS_KEPT); older ones are
deleted with their files by the job that makes a new one.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.db import transaction
from django.tasks import TaskContext, task
from django.utils import timezone, translation

from remiss import tasks
from remiss.models import Preview
from remiss.models.jobs import Job

logger = logging.getLogger(__name__)
Kind = Preview.Kind
State = Preview.State

# Renderings kept per object: the newest, and a couple before it (someone may still be
# waiting for the one they asked for a moment ago when a colleague's save made a new one).
PREVIEWS_KEPT = 3


def fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


def order(*, kind: str, object_id: int, html: Callable[[], str], filename: str) -> Preview:
    """The preview of this object as it is now: the rendering already made or under way, or a
    new one ordered. `html` builds the print HTML (in Swedish, as every document, whatever the
    language of the request)."""
    with translation.override(settings.LANGUAGE_CODE):
        source = html()
    durable = tasks.is_durable(render_preview)
    with transaction.atomic():
        preview, created = Preview.objects.get_or_create(
            kind=kind,
            object_id=object_id,
            fingerprint=fingerprint(source),
            defaults={"html": source, "filename": filename},
        )
        if created and durable:  # the task row commits with the preview row, or neither does
            render_preview.enqueue(preview.pk)
    if not durable and preview.state != State.READY:
        # The immediate backend renders here and now. Not on commit: ordering a preview is a
        # step of its own, and the person is waiting for it. Asked again, a rendering that
        # failed is tried again when its retry is due (this backend cannot wait for it).
        render_preview.enqueue(preview.pk)
        preview.refresh_from_db()
    return preview


def retry(preview: Preview) -> bool:
    """Försök igen: a failed rendering is ordered again now, with fresh attempts. False when
    it had not failed (done, or under way)."""
    return tasks.retry(Preview, render_preview, preview.pk)


def forget(preview: Preview) -> None:
    """A rendering whose file is gone from storage: the row goes too, so that the next request
    orders a new one."""
    Preview.objects.filter(pk=preview.pk, state=State.READY).delete()


@task(takes_context=True)
def render_preview(context: TaskContext, preview_id: int) -> bool:
    """Förhandsvisa: one attempt at rendering and storing one preview, then the older ones of
    the same object are cleared away."""
    done = tasks.run(
        Preview, preview_id, _render_and_store, render_preview, tasks.worker_of(context)
    )
    if done:
        preview = Preview.objects.filter(pk=preview_id).first()
        if preview is not None:
            prune(kind=preview.kind, object_id=preview.object_id)
    return done


def recover(*, failed: bool = False, only: list[int] | None = None) -> int:
    """Put stuck previews back on the queue (see tasks.recover)."""
    return tasks.recover(Preview, render_preview, failed=failed, only=only)


def _render_and_store(job: Job) -> None:
    from remiss import pdf

    preview = cast(Preview, job)  # tasks.run hands back the row of the model it was given
    content = pdf.render_pdf(preview.html)
    digest = hashlib.sha256(content).hexdigest()
    # The HTML has served its purpose once the file is there.
    tasks.keep_file(
        preview,
        f"{digest}.pdf",
        content,
        size=len(content),
        rendered_at=timezone.now(),
        html="",
    )


def prune(*, kind: str, object_id: int, keep: int = PREVIEWS_KEPT) -> int:
    """Delete the renderings of the object older than the newest `keep`, files and all (not
    one that a worker is rendering right now); the number deleted."""
    newest_first = Preview.objects.filter(kind=kind, object_id=object_id).order_by(
        "-created_at", "-pk"
    )
    deleted = 0
    for preview in newest_first[keep:]:
        if not Preview.objects.filter(pk=preview.pk).exclude(state=State.RUNNING).delete()[0]:
            continue
        deleted += 1
        if preview.file.name:
            try:
                preview.file.storage.delete(preview.file.name)
            except OSError:  # the row is gone, which is what counts; the file is only space
                logger.warning(
                    "Förhandsvisning %s: filen %s kunde inte tas bort",
                    preview.pk,
                    preview.file.name,
                )
    return deleted
