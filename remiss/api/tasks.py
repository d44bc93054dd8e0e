"""The API's background work: sending webhooks (through Django's tasks framework)."""

from django.tasks import task


@task
def deliver_webhook(delivery_id: int) -> None:
    """Send one webhook delivery; a failure plans its own retry (webhooks.deliver)."""
    from remiss.api import webhooks

    webhooks.deliver(delivery_id)
