"""Receivers of the accounts app, connected in AccountsConfig.ready()."""

from .services import user_signed_in_language


def keep_language_on_sign_in(sender=None, *, request=None, user=None, **kwargs) -> None:
    """The language picked before signing in survives it (and goes on the profile)."""
    if user is not None and request is not None:
        user_signed_in_language(request=request, user=user)
