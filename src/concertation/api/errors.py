"""One error format for every answer of the API that is not a success:
``{"error": {"code": "...", "message": "... (in the caller's language)", "field": null}}``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from concertation.core.errors import DomainError

ERROR_CODES = frozenset({400, 401, 403, 404, 422, 429})


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    def __init__(self, status: int, code: str, message, field: str | None = None, *, retry_after: int = 60):
        super().__init__(str(message))
        self.status, self.code, self.message, self.field = status, code, str(message), field
        self.retry_after = retry_after


def error_response(status: int, code: str, message, field: str | None = None, headers=None) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": str(message), "field": field}}, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Introuvable : cet objet n'existe pas, ou vous ne pouvez pas le voir."))


def forbidden(message=None) -> ApiError:
    return ApiError(403, "forbidden", message or _("Vous ne pouvez pas faire cette action."))


def _validation_message(errors) -> tuple[str, str | None]:
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "payload")]
    field = ".".join(location) or None
    message = _("Requête invalide : vérifiez le champ « %(field)s ».") % {"field": field} if field else \
        _("Requête invalide : vérifiez les paramètres envoyés.")
    return message, field


def install(api) -> None:
    """Route every exception the API meets to the one format."""

    @api.exception_handler(ApiError)
    def _api_error(request, exc):
        headers = {"WWW-Authenticate": 'Bearer realm="api"'} if exc.status == 401 else None
        if exc.status == 429:
            headers = {"Retry-After": str(max(1, exc.retry_after))}
        return error_response(exc.status, exc.code, exc.message, exc.field, headers)

    @api.exception_handler(ValidationError)
    def _validation(request, exc):
        message, field = _validation_message(exc.errors)
        return error_response(422, "invalid", message, field)

    @api.exception_handler(DomainError)
    def _domain(request, exc):
        return error_response(422, exc.code or "refused", exc.message, exc.field)

    @api.exception_handler(Http404)
    def _missing(request, exc):
        error = not_found()
        return error_response(404, error.code, error.message)

    @api.exception_handler(PermissionDenied)
    def _denied(request, exc):
        error = forbidden()
        return error_response(403, error.code, error.message)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(401, "unauthenticated", _("Authentification requise : envoyez un jeton "
                                                         "« Authorization: Bearer … »."),
                              headers={"WWW-Authenticate": 'Bearer realm="api"'})

    @api.exception_handler(AuthorizationError)
    def _unauthorized(request, exc):
        error = forbidden()
        return error_response(403, error.code, error.message)

    @api.exception_handler(HttpError)
    def _http(request, exc):
        if exc.status_code == 400:  # ninja could not read the body
            return error_response(400, "unreadable_body", _("Corps de requête illisible : envoyez du JSON valide."))
        return error_response(exc.status_code, "error", str(exc))


def form_error(form) -> ApiError:
    """The first error of a Django form the API filled (the pages' own validation), as a 422."""
    for field, errors in form.errors.items():
        return ApiError(422, "invalid", errors[0], None if field == "__all__" else field)
    return ApiError(422, "invalid", _("Requête invalide : vérifiez les paramètres envoyés."))
