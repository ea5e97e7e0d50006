"""Discussions, mounted at /t/<territory>/discussions/ (namespace "discussions")."""

from django.urls import path

from .views import discussions as views

app_name = "discussions"

urlpatterns = [
    path("<slug:kind>/<int:object_id>/", views.thread, name="thread"),
    path("<slug:kind>/<int:object_id>/personnes/", views.people, name="people"),
    path("commentaires/<int:pk>/modifier/", views.edit, name="edit"),
    path("commentaires/<int:pk>/masquer/", views.hide, name="hide"),
    path("commentaires/<int:pk>/afficher/", views.unhide, name="unhide"),
    path("commentaires/<int:pk>/historique/", views.history, name="history"),
]
