"""WSGI entry point (gunicorn grc.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.base")
application = get_wsgi_application()
