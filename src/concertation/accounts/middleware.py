from django.conf import settings
from django.utils import translation


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )


class PreferredLanguageMiddleware:
    """A signed-in person sees the language they chose, on every device.

    The language cookie follows the profile, so that the pages stay in that language after
    signing out (and the sign-in page itself is in it next time)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # request.user may have changed during the request (signing in).
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated and user.preferred_language
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.preferred_language
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
        ):
            set_language_cookie(response, user.preferred_language)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
