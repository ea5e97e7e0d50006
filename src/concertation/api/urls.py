"""The API under /api/v1/ (the OpenAPI document, the documentation page, the endpoints) and the
personal access tokens' page under /moi/jetons/ (mounted by the project's urls.py)."""

from __future__ import annotations

from functools import wraps

from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _

from .api import api
from .errors import error_response


def _one_format(view):
    """Ninja answers an unsupported method with a bare 405: give it the API's error format."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(405, "method_not_allowed", _("Méthode non permise sur cette adresse."),
                                      headers={"Allow": allowed})
        return response

    return wrapped


def _api_patterns():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _one_format(pattern.callback)
    return patterns, app_name, namespace


def unknown(request, rest=""):
    return error_response(404, "not_found", _("Adresse inconnue dans l'API : voyez /api/v1/docs."))


api_urlpatterns = [
    path("v1/", _api_patterns()),
    re_path(r"^(?P<rest>.*)$", unknown, name="api_unknown"),
]
