#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

KEYLESS_COMMANDS = {"parse_reply", "makemigrations"}


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # Commands that serve nothing and sign nothing (reading a letter, writing migrations) run
    # with a throwaway key, so scoring scripts and checks need no secret; everything else,
    # the server above all, still refuses to start without one.
    words = sys.argv[2:3] if sys.argv[1:2] == ["help"] else sys.argv[1:2]
    command = words[0] if words else ""
    if command in KEYLESS_COMMANDS and not os.environ.get("DJANGO_SECRET_KEY"):
        import secrets

        os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings)
    except ImproperlyConfigured as error:
        # Django would go on without its settings and fail later with a puzzling message.
        sys.exit(f"{error}\nOn a developer's machine: DJANGO_DEBUG=1 {' '.join(sys.argv)}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
