"""The person's own pages, mounted at /moi/ (namespace "home"); the home itself is the site's root
(URL name "home")."""

from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("espaces/", views.my_spaces, name="my_spaces"),
]
