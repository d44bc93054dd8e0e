#!/usr/bin/env python
"""Django's command-line utility for Remissportalen."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remiss.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading settings here turns a bad variable into a plain message
    except ImproperlyConfigured as error:
        sys.exit(f"Remissportalen kan inte starta: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
