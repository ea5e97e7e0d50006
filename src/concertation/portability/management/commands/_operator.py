"""What the two commands share: the operator's language and a progress line on a terminal."""

from __future__ import annotations

import os

from django.conf import settings
from django.utils import translation


def operator_language(chosen: str | None = None) -> str:
    """``--language``, else the terminal's (LC_ALL, LC_MESSAGES, LANG: ``en_CA.UTF-8`` → en),
    else the site's."""
    wanted = chosen or next((os.environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(k)), "")
    wanted = wanted.split(".")[0].replace("_", "-").lower()
    codes = [code for code, _ in settings.LANGUAGES]
    for code in codes:
        if wanted == code or wanted.split("-")[0] == code.split("-")[0]:
            return code
    return settings.LANGUAGE_CODE


def activate(options) -> None:
    translation.activate(operator_language(options.get("language")))


class ProgressLine:
    """« label 120/450 » rewritten in place on a terminal; silent otherwise."""

    def __init__(self, stream, label: str):
        self.stream, self.label = stream, label
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            self.stream.write(f"\r{self.label} {done}/{total}", ending="")
            if done >= total:
                self.stream.write("")
            self.stream.flush()
