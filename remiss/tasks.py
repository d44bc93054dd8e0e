"""Work that runs outside the web request, through Django's tasks framework.

By default the immediate backend runs a task at once (in the request that ordered it); in
production set TASKS_BACKEND=database and start the worker with `python manage.py db_worker`
(django-tasks-db), so that rendering the reply with its attachments never holds up a page.
"""

from django.tasks import task


@task
def render_documents(decision_id: int) -> None:
    """Render and store the PDFs of a justified decision."""
    from remiss import documents

    documents.render_pending(decision_id)
