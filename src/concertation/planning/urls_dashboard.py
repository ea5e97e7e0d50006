"""The plan's follow-up: dashboard, bilan, indicators and measurements (included by urls.py,
namespace "planning").

Every path starts with a fixed French word after the plan's number (tableau-de-bord, bilan,
indicateurs), never one of the item kinds of urls_structure.py (priority, objective, strategy,
activity, indicator, plan), so the two sets of patterns never shadow each other.
"""

from django.urls import path

from .views import dashboard as views

urlpatterns = [
    path("<int:plan>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("<int:plan>/tableau-de-bord.pdf", views.dashboard_pdf, name="dashboard_pdf"),
    path("<int:plan>/bilan/", views.bilan, name="bilan"),
    path("<int:plan>/bilan.pdf", views.bilan_pdf, name="bilan_pdf"),
    path("<int:plan>/indicateurs/ajouter/", views.indicator_add, name="indicator_add"),
    path("<int:plan>/indicateurs/importer/", views.measurement_import, name="measurement_import"),
    path("<int:plan>/indicateurs/modele.csv", views.measurement_template_csv, name="measurement_template_csv"),
    path("<int:plan>/indicateurs/modele.xlsx", views.measurement_template_xlsx, name="measurement_template_xlsx"),
    path("<int:plan>/indicateurs/<int:indicator>/", views.indicator, name="indicator"),
    path("<int:plan>/indicateurs/<int:indicator>/modifier/", views.indicator_edit, name="indicator_edit"),
    path("<int:plan>/indicateurs/<int:indicator>/retirer/", views.indicator_remove, name="indicator_remove"),
    path("<int:plan>/indicateurs/<int:indicator>/mesures/ajouter/", views.measurement_add, name="measurement_add"),
    path("<int:plan>/indicateurs/<int:indicator>/mesures/<int:measurement>/corriger/", views.measurement_correct,
         name="measurement_correct"),
    path("<int:plan>/indicateurs/<int:indicator>/mesures/<int:measurement>/supprimer/", views.measurement_delete,
         name="measurement_delete"),
]
