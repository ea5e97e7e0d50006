"""Open data of the public window, mounted at ``public/<slug:territory>/donnees/`` (namespace
"opendata"). Stable addresses: programs link to them."""

from django.urls import path

from .opendata import views

app_name = "opendata"

urlpatterns = [
    path("popolo.json", views.popolo, name="popolo"),
    path("plan.csv", views.plan_csv, name="plan_csv"),
    path("indicateurs.csv", views.indicators_csv, name="indicators_csv"),
]
