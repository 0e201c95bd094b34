"""WSGI entry point: `gunicorn portal.wsgi`."""
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# Import the URLconf, and with it every view, now: under gunicorn's preload_app this runs
# once in the master, and a worker that replaces another after max_requests starts with
# them loaded instead of importing them again on its first request.
import_module(settings.ROOT_URLCONF)
