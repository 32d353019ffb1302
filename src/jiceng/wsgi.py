import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Do now what a web worker's first request would otherwise pay for: import every view
    module through the URLconf (with their libraries and the API's schemas; seconds of CPU) and
    load jieba's dictionary (about 1.3 s). With gunicorn's --preload (`jiceng run`,
    docs/deployment.md) the master does it once and the workers share it; without, each worker
    does it at boot, before its first request."""
    from django.db import connections
    from django.urls import get_resolver

    from jiceng.appeals.duplicates import load_dictionary

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
    load_dictionary()
    connections.close_all()  # no connection may be shared by the forked workers


_warm_up()
