"""portal.wsgi, which gunicorn preloads in its master before forking the workers."""

import os
import subprocess
import sys

from django.conf import settings


def test_loading_the_application_imports_every_view():
    # A fresh interpreter, as gunicorn's master is: a worker forked from it must not
    # import the URLconf (DRF, the API schema, the admin...) again on its first request.
    code = ("import sys, portal.wsgi; from django.conf import settings; "
            "print(settings.ROOT_URLCONF in sys.modules, 'messaging.views' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"},
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.split() == ["True", "True"], result.stderr
