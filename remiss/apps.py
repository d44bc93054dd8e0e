from django.apps import AppConfig


class RemissConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "remiss"
    verbose_name = "Remisser"
