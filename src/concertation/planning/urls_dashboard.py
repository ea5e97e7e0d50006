"""The plan's follow-up: dashboard, bilan, indicators and measurements (included by urls.py,
namespace "planning").

Every path starts with a fixed French word after the plan's number (tableau-de-bord, bilan,
indicateurs), never one of the item kinds of urls_structure.py (priority, objective, strategy,
activity, indicator, plan), so the two sets of patterns never shadow each other.
"""

from django.urls import path

from .views import dashboard as views
from .views import indicators, measurements_import

urlpatterns = [
    path("<int:plan>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("<int:plan>/tableau-de-bord.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("<int:plan>/bilan/", views.bilan, name="bilan"),
    path("<int:plan>/bilan.pdf", views.bilan_pdf, name="bilan_pdf"),
    path("<int:plan>/indicateurs/ajouter/", indicators.indicator_add, name="indicator_add"),
    path("<int:plan>/indicateurs/importer/", measurements_import.measurement_import, name="measurement_import"),
    path("<int:plan>/indicateurs/modele.csv", measurements_import.measurement_template_csv, name="measurement_template_csv"),
    path("<int:plan>/indicateurs/modele.xlsx", measurements_import.measurement_template_xlsx, name="measurement_template_xlsx"),
    path("<int:plan>/indicateurs/<int:indicator>/", indicators.indicator, name="indicator"),
    path("<int:plan>/indicateurs/<int:indicator>/modifier/", indicators.indicator_edit, name="indicator_edit"),
    path("<int:plan>/indicateurs/<int:indicator>/retirer/", indicators.indicator_remove, name="indicator_remove"),
    path("<int:plan>/indicateurs/<int:indicator>/mesures/ajouter/", indicators.measurement_add, name="measurement_add"),
    path("<int:plan>/indicateurs/<int:indicator>/mesures/<int:measurement>/corriger/", indicators.measurement_correct,
         name="measurement_correct"),
    path("<int:plan>/indicateurs/<int:indicator>/mesures/<int:measurement>/supprimer/", indicators.measurement_delete,
         name="measurement_delete"),
]
