"""The decision register, mounted by the project at ``t/<slug:territory>/decisions/`` (namespace "register")."""

from django.urls import path

from .views import register as views

urlpatterns = [
    path("", views.territory_register, name="territory"),
    path("registre.csv", views.territory_register_csv, name="territory_csv"),
    path("registre.atom", views.territory_register_feed, name="territory_feed"),
    path("e/<slug:space>/", views.space_register, name="space"),
    path("e/<slug:space>/registre.csv", views.space_register_csv, name="space_csv"),
    path("e/<slug:space>/registre.atom", views.space_register_feed, name="space_feed"),
]
