from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "remiss.api"
    label = "remiss_api"
    verbose_name = "API och webhooks"
    default_auto_field = "django.db.models.BigAutoField"
