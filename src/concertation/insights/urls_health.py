"""The governance-health pages (namespace "health"), included from the project's urls.py."""

from django.urls import path

from . import views_health as views

app_name = "health"

urlpatterns = [
    path("t/<slug:territory>/e/<slug:space>/sante/", views.space_health, name="space"),
    path("t/<slug:territory>/e/<slug:space>/sante.csv", views.space_health_csv, name="space_csv"),
    path("t/<slug:territory>/sante/", views.territory_health, name="territory"),
    path("t/<slug:territory>/sante.csv", views.territory_health_csv, name="territory_csv"),
]
