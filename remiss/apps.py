from django.apps import AppConfig


class RemissConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "remiss"
    verbose_name = "Remisser"

    def ready(self) -> None:
        from django.tasks.signals import task_finished

        from remiss import metrics

        task_finished.connect(metrics.observe_task, dispatch_uid="remiss.metrics.observe_task")
