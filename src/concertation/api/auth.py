"""Who calls the API: a personal access token (``Authorization: Bearer …``), else the browser's
session (reads only: the documentation page), else nobody (what is public). Each request is
counted against the rate limits in the shared store of the sign-in limits (settings.CACHES: the
database, or Redis when REDIS_URL is set)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from concertation.core.ratelimit import over_limit

from .errors import ApiError
from .models import AccessToken, token_hash
from .services import token_touch

MAX_TOKEN_LENGTH = 100


def _refused() -> ApiError:
    return ApiError(401, "invalid_token", _("Jeton invalide, expiré ou révoqué : créez-en un nouveau dans votre "
                                           "profil (Mes jetons d'accès)."))


def token_from_header(header: str) -> AccessToken:
    scheme, _sep, raw = header.strip().partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise _refused()
    token = AccessToken.objects.select_related("owner").filter(digest=token_hash(raw)).first()
    if token is None or not token.is_active() or not token.owner.is_active:
        raise _refused()
    return token


def check_rate(request, kind: str, key: str) -> None:
    """Count this request; 429 past the limit (settings.API_RATE_LIMITS, core/ratelimit.py)."""
    retry = over_limit(request, f"api:{kind}", getattr(settings, "API_RATE_LIMITS", {}).get(kind), key)
    if retry is not None:
        raise ApiError(429, "rate_limited", _("Trop de requêtes : attendez une minute avant de "
                                              "recommencer."), retry_after=retry)


class ApiAuth(HttpBearer):
    """``write=False``: a token of any scope, a session or nobody; ``write=True``: a read-write token."""

    def __init__(self, *, write: bool = False):
        super().__init__()
        self.write = write

    def __call__(self, request):
        header = request.headers.get("Authorization")
        token = None
        if header:
            token = token_from_header(header)
            request.user = token.owner
            translation.activate(token.owner.preferred_language or settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
        request.api_token = token
        if self.write:
            if token is None:
                raise ApiError(401, "unauthenticated", _("Authentification requise : envoyez un jeton « Authorization: "
                                                         "Bearer … » de portée lecture et écriture."))
            if not token.writes:
                raise ApiError(403, "read_only_token", _("Ce jeton ne permet que la lecture : créez un jeton de "
                                                         "portée lecture et écriture pour écrire."))
        if token is not None:
            check_rate(request, "write" if self.write else "token", str(token.owner_id))  # all its tokens
            token_touch(token)
            return token
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            check_rate(request, "session", str(user.pk))
            return user
        check_rate(request, "anonymous", "")
        return "anonymous"

    def authenticate(self, request, token):  # the header is read by __call__
        return None
