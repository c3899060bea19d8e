#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DJANGO_SECRET_KEY" not in os.environ:
        # No secret key means a developer's checkout, not a deployment: run in debug mode there.
        # Production sets DJANGO_SECRET_KEY, and then DJANGO_DEBUG decides (off by default).
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
