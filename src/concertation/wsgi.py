import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concertation.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load every view module now, then freeze what is loaded (see core.runtime)."""
    from django.urls import get_resolver

    from concertation.core.runtime import tune_garbage_collector

    get_resolver().url_patterns  # noqa: B018 — imports the URL configuration and every view
    tune_garbage_collector()


_warm_up()
