"""Import of organizations and memberships, under /t/<territory>/importer/ (see views/imports.py)."""

from django.urls import path

from .views import imports as views

urlpatterns = [
    path("", views.import_members, name="import"),
    path("modele.csv", views.import_template_csv, name="import_template_csv"),
    path("modele.xlsx", views.import_template_xlsx, name="import_template_xlsx"),
]
