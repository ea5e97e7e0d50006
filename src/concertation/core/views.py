import sys

from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .middleware import database_unavailable_response, is_database_unavailable, reset_connections


@never_cache
def healthz(request):
    """Liveness and readiness for load balancers: JSON, 503 with the reason when the DB is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        connection.close()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return JsonResponse({"status": "error", "database": "unavailable", "reason": reason}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def floor(request):
    """The base layout with no query: the floor every page benchmark is compared against."""
    return render(request, "core/floor.html")


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        reset_connections()
        return database_unavailable_response()
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 — the layout itself failed: answer without it
        return database_unavailable_response(status=500)


