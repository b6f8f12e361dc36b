#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mirps.settings")
    # A checkout with no configuration at all is a developer's: without a SECRET_KEY (which
    # production always sets) manage.py uses the development configuration. The WSGI/ASGI
    # entry points never do this, so a server without a SECRET_KEY still refuses to start.
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DJANGO_DEV", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
