"""Writes of the territory's portrait: a figure checked, saved (added or replaced), removed.

One rule for a figure, whether typed in the form or read from an imported row: ``check_figure``
cleans the values and raises ``DomainError`` naming the field at fault.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from concertation.core import audit, formatting
from concertation.core.errors import DomainError
from concertation.core.validators import refuse_invisible_characters

from ..models import Figure

VALUE_LIMIT = Decimal(10) ** 12  # max_digits 16, decimal_places 4
FOUR_PLACES = Decimal("0.0001")
YEAR_MIN, YEAR_MAX = 1800, 2200
LIMITS = {"theme": 120, "label": 250, "unit": 40, "geography": 160, "source": 250, "source_url": 500}


def parse_value(text) -> Decimal:
    """A number as people type it: « 12 345 », « 23,4 », « 23,4 % », « 1,234.5 », 12.5; ValueError otherwise."""
    if isinstance(text, Decimal | int):
        raw = str(text)
    else:
        raw = str(text or "").strip()
        for space in ("\u00a0", "\u202f", " ", "'"):
            raw = raw.replace(space, "")
        raw = raw.removesuffix("%").removesuffix("$").removeprefix("$").removeprefix("+")
        if formatting.lang() == "en" and re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw):
            raw = raw.replace(",", "")  # « 12,345 » read in English: thousands
        elif "," in raw and "." in raw:
            raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
        elif raw.count(",") == 1:
            raw = raw.replace(",", ".")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", raw):
        raise ValueError(text)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(text) from None
    if abs(value) >= VALUE_LIMIT:
        raise ValueError(text)
    return value.quantize(FOUR_PLACES)


def _text(value, field: str, *, required: bool = False, label: str = "") -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DomainError(_("Indiquez %(what)s.") % {"what": label}, field=field)
    try:
        refuse_invisible_characters(text)  # a right-to-left override or a zero-width space: a look-alike
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field=field) from None
    if len(text) > LIMITS[field]:
        raise DomainError(_("Ce texte dépasse %(max)s caractères : raccourcissez-le.") % {"max": LIMITS[field]},
                          field=field)
    return text


def check_figure(*, theme, label, value, unit="", year, geography="", source="", source_url="") -> dict:
    """The figure's values, cleaned; DomainError (with its field) for the first one at fault."""
    data = {
        "theme": _text(theme, "theme", required=True, label=_("le thème")),
        "label": _text(label, "label", required=True, label=_("le libellé du chiffre")),
        "unit": _text(unit, "unit"),
        "geography": _text(geography, "geography"),
        "source": _text(source, "source"),
    }
    if value in (None, ""):
        raise DomainError(_("Indiquez la valeur du chiffre."), field="value")
    try:
        data["value"] = parse_value(value)
    except ValueError:
        raise DomainError(_("« %(value)s » n'est pas un nombre : écrivez par exemple 12 345 ou 23,4.")
                          % {"value": value}, field="value") from None
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise DomainError(_("« %(value)s » n'est pas une année : écrivez-la en quatre chiffres, par exemple 2021.")
                          % {"value": year or ""}, field="year") from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(_("L'année %(year)s n'est pas plausible : écrivez-la en quatre chiffres, par exemple 2021.")
                          % {"year": year}, field="year")
    data["year"] = year
    url = str(source_url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise DomainError(_("« %(value)s » n'est pas une adresse web : elle commence par https://.")
                              % {"value": url}, field="source_url") from None
        if len(url) > LIMITS["source_url"]:
            raise DomainError(_("Cette adresse dépasse %(max)s caractères.") % {"max": LIMITS["source_url"]},
                              field="source_url")
    data["source_url"] = url
    return data


def key_of(data: dict) -> tuple:
    return (data["theme"], data["label"], data["geography"], data["year"])


def _duplicate(data: dict) -> DomainError:
    return DomainError(_("Ce territoire a déjà le chiffre « %(label)s » pour %(year)s (même thème et même "
                         "territoire couvert) : modifiez-le plutôt.") % {"label": data["label"], "year": data["year"]},
                       field="label")


@transaction.atomic
def figure_add(*, territory, by=None, **values) -> Figure:
    data = check_figure(**values)
    if Figure.objects.filter(territory=territory, **dict(zip(("theme", "label", "geography", "year"),
                                                             key_of(data), strict=True))).exists():
        raise _duplicate(data)
    try:
        with transaction.atomic():
            figure = Figure.objects.create(territory=territory, position=_next_position(territory), **data)
    except IntegrityError:
        raise _duplicate(data) from None
    audit.record(action="portrait.figure_added", actor=by, target=figure, territory_id=territory.pk)
    return figure


@transaction.atomic
def figure_change(*, figure: Figure, by=None, **values) -> Figure:
    data = check_figure(**values)
    clash = Figure.objects.filter(territory_id=figure.territory_id, theme=data["theme"], label=data["label"],
                                  geography=data["geography"], year=data["year"]).exclude(pk=figure.pk)
    if clash.exists():
        raise _duplicate(data)
    changed = {key: str(value) for key, value in data.items() if getattr(figure, key) != value}
    for key, value in data.items():
        setattr(figure, key, value)
    try:
        with transaction.atomic():
            figure.save()
    except IntegrityError:
        raise _duplicate(data) from None
    if changed:
        audit.record(action="portrait.figure_changed", actor=by, target=figure, territory_id=figure.territory_id)
    return figure


@transaction.atomic
def figure_delete(*, figure: Figure, by=None) -> None:
    audit.record(action="portrait.figure_deleted", actor=by, target=figure, territory_id=figure.territory_id)
    figure.delete()


def figure_import(*, territory, data: dict, existing: Figure | None, position: int) -> Figure:
    """Write one imported row (already checked): replace the figure of the same key, or add it."""
    if existing is not None:
        for key, value in data.items():
            setattr(existing, key, value)
        existing.save()
        return existing
    return Figure.objects.create(territory=territory, position=position, **data)


def record_import(*, territory, by, added: int, replaced: int, filename: str) -> None:
    audit.record(action="portrait.imported", actor=by, target=territory, territory_id=territory.pk,
                 added=added, replaced=replaced, file=filename[:200])


def _next_position(territory) -> int:
    last = Figure.objects.filter(territory=territory).order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1
