"""Writes about accounts."""

from __future__ import annotations

from django.utils import translation

from .models import Language, User


def user_set_language(*, user: User, language: str) -> None:
    if language not in Language.values:
        raise ValueError(f"unknown language {language!r}")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    translation.activate(language)


def user_update_profile(*, user: User, display_name: str, preferred_language: str, phone: str) -> None:
    user.display_name = display_name.strip()
    user.phone = phone.strip()
    user.save(update_fields=["display_name", "phone"])
    user_set_language(user=user, language=preferred_language)
