"""The coordinators' settings of the window, at ``t/<slug:territory>/pages-publiques/`` (namespace "public_settings")."""

from django.urls import path

from . import views

app_name = "public_settings"

urlpatterns = [
    path("reglages/", views.settings, name="settings"),
]
