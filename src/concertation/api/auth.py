"""Who calls the API: a personal access token (``Authorization: Bearer …``), else the browser's
session (reads only: the documentation page), else nobody (what is public). Each request is
counted against the rate limits in the shared store of the sign-in limits (settings.CACHES: the
database, or Redis when REDIS_URL is set)."""

from __future__ import annotations

import hashlib
import time

from allauth.core.internal.ratelimit import get_ip, parse_rates
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

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
    """Count this request; 429 past the limit (settings.API_RATE_LIMITS, allauth's rate syntax:
    "600/m/key" per token or person, "120/m/ip" per address, read as the sign-in limits read it).

    A counter per window in the shared cache: ``incr`` (atomic on Redis), ``add`` when the window
    opens. Five queries a request on the database cache, half of what allauth's locked history
    costs; two requests racing on the database cache may both be counted once (the limit then
    lets one more through), never refused wrongly."""
    for rate in parse_rates(getattr(settings, "API_RATE_LIMITS", {}).get(kind)):
        who = key if rate.per != "ip" else get_ip(request)
        window = int(time.time() // rate.duration)
        digest = hashlib.sha256(f"{who}".encode()).hexdigest()[:32]
        cache_key = f"api:rl:{kind}:{rate}:{digest}:{window}"
        try:
            count = cache.incr(cache_key)
        except ValueError:
            count = 1 if cache.add(cache_key, 1, timeout=int(rate.duration) + 1) else cache.incr(cache_key)
        if count > rate.amount:
            retry = int((window + 1) * rate.duration - time.time()) + 1
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
