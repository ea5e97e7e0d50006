"""Shared set-up of the portrait tests: a territory with a public assembly, its coordinator, a member."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl

from concertation.knowledge.models import Figure
from concertation.spaces.models import Space
from tests.factories import MembershipFactory, SpaceFactory, TerritoryFactory, UserFactory

FR_HEADER = ["Thème", "Libellé", "Valeur", "Unité", "Année", "Territoire couvert", "Source", "Lien vers la source"]
EN_HEADER = ["Theme", "Label", "Value", "Unit", "Year", "Area covered", "Source", "Source link"]
STATCAN = "https://www12.statcan.gc.ca/census-recensement/index-fra.cfm"
GOOD_ROWS = [
    ["Population", "Population totale", "38 200", "personnes", "2021", "Quartier", "Statistique Canada, "
     "Recensement de 2021", STATCAN],
    ["Population", "Population totale", "36 950", "personnes", "2016", "Quartier", "Statistique Canada, "
     "Recensement de 2016", STATCAN],
    ["Logement", "Ménages locataires", "72", "%", "2021", "Quartier", "", ""],
    ["Revenu et pauvreté", "Revenu médian des ménages", "48 500", "$", "2021", "", "", ""],
]


def make_world(*, public: bool = True, slug: str = "pointe") -> SimpleNamespace:
    territory = TerritoryFactory(name=f"Territoire {slug}", slug=slug)
    coordinator = UserFactory(email=f"coord-{slug}@example.org")
    territory.coordinators.add(coordinator)
    visibility = Space.Visibility.PUBLIC if public else Space.Visibility.TERRITORY
    assembly = SpaceFactory(territory=territory, name="Assemblée", slug=f"assemblee-{slug}", visibility=visibility)
    member = UserFactory(email=f"membre-{slug}@example.org")
    MembershipFactory(space=assembly, person=member, organization=None)
    return SimpleNamespace(territory=territory, coordinator=coordinator, assembly=assembly, member=member,
                           outsider=UserFactory(email=f"dehors-{slug}@example.org"))


def csv_bytes(header, rows, delimiter=";") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def figure(territory, *, theme="Logement", label="Ménages locataires", value="72", unit="%", year=2021,
           geography="Quartier", position=0, **extra) -> Figure:
    return Figure.objects.create(territory=territory, theme=theme, label=label, value=Decimal(value), unit=unit,
                                 year=year, geography=geography, position=position, **extra)
