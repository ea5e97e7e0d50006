"""Validators shared by the forms of every app.

``refuse_invisible_characters`` keeps out of single-line names and titles the characters that change
how a text is displayed without showing themselves: a right-to-left override makes « Rapport
\u202egpj.exe » read « Rapport exe.jpg », and « Comité\u200blogement » passes for « Comité logement »
(a second organization or role that looks exactly like the first).

What it leaves alone, because French typography and other scripts need it: accented letters, ’ « »,
the non-breaking spaces U+00A0 and U+202F, emoji, and the joiners U+200C (ZWNJ) and U+200D (ZWJ)
that emoji sequences and some scripts (Persian, Indic) are written with.

Usage, one line per form: a declared field takes ``validators=[refuse_invisible_characters]``; a
field a ModelForm generates gets it in ``__init__`` with ``guard_single_line(self, "name", …)``.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The bidirectional embeddings, overrides and isolates, and the zero-width characters that are not
# joiners: zero width space, word joiner, zero width no-break space (byte order mark).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u2060\ufeff"
INVISIBLE_CHARACTERS = frozenset(BIDI_CONTROLS + ZERO_WIDTH)
_INVISIBLE = re.compile(f"[{re.escape(BIDI_CONTROLS + ZERO_WIDTH)}]")


def code_point(character: str) -> str:
    """« U+202E »: how a character is named in a message."""
    return f"U+{ord(character):04X}"


def refuse_invisible_characters(value) -> None:
    """Refuse a text holding a bidirectional control or a zero-width character, naming the first one."""
    if not isinstance(value, str):
        return
    found = _INVISIBLE.search(value)
    if found is not None:
        raise ValidationError(
            _("Ce champ contient un caractère invisible ou de contrôle de direction (%(code_point)s) : retirez-le."),
            code="invisible_character",
            params={"code_point": code_point(found.group())},
        )


def guard_single_line(form, *names: str) -> None:
    """Add ``refuse_invisible_characters`` to the fields ``names`` of a form instance (in its
    ``__init__``, after ``super().__init__()``). A field the form does not have is an error."""
    for name in names:
        validators = form.fields[name].validators
        if refuse_invisible_characters not in validators:
            validators.append(refuse_invisible_characters)
