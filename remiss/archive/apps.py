from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "remiss.archive"
    label = "remiss_archive"
    verbose_name = "E-arkiv"
