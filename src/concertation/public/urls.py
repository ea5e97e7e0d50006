"""The public window, mounted by the project at ``public/<slug:territory>/`` (namespace "public_window").

These addresses are meant to be shared and indexed: keep them stable."""

from django.urls import path

from . import views

app_name = "public_window"

urlpatterns = [
    path("", views.home, name="home"),
    path("espaces/", views.spaces, name="spaces"),
    path("rencontres/", views.meetings, name="meetings"),
    path("decisions/", views.decisions, name="decisions"),
    path("plan/", views.plans, name="plans"),
    path("plan/<int:plan>/", views.plan, name="plan"),
    path("documents/", views.documents, name="documents"),
    path("fiches/", views.practices, name="practices"),
    path("reperes/", views.references, name="references"),
    path("apercu.png", views.og_image, name="og_image"),
]
