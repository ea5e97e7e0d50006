"""The territory's portrait, under /t/<territory>/portrait/ (see views/portrait.py)."""

from django.urls import path

from .views import portrait as views

app_name = "portrait"

urlpatterns = [
    path("", views.portrait, name="index"),
    path("ajouter/", views.figure_edit, name="figure_add"),
    path("<int:pk>/modifier/", views.figure_edit, name="figure_edit"),
    path("<int:pk>/supprimer/", views.figure_delete, name="figure_delete"),
    path("importer/", views.figure_import, name="import"),
    path("importer/modele.csv", views.template_csv, name="template_csv"),
    path("importer/modele.xlsx", views.template_xlsx, name="template_xlsx"),
]
