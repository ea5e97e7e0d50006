"""What the open data may contain: what the public window shows (public/selectors.py is the one
home of « public »: the territory's public spaces, read as an anonymous visitor)."""

from __future__ import annotations

from ..selectors import VISITOR, public_spaces

__all__ = ["VISITOR", "public_spaces"]
