import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
application = get_wsgi_application()

# With gunicorn's --preload (`jiceng run`, docs/deployment.md) the master loads this once and the
# workers share it; without, each worker loads it at boot, before its first request.
from jiceng.appeals.duplicates import load_dictionary  # noqa: E402 (needs the application set up)

load_dictionary()
