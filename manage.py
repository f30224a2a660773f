#!/usr/bin/env python
"""Django's command-line utility for Consign."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except (ImproperlyConfigured, OperationalError) as exc:
        # A wrong DATABASE_URL or an unreachable database: one clear line, not a traceback wall.
        message = " ".join(str(exc).split())
        sys.stderr.write(f"error: {message}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
