"""The document library of a space (t/<territory>/e/<space>/documents/)."""

from django.urls import path

from .views import documents as views

app_name = "documents"

urlpatterns = [
    path("", views.library, name="library"),
    path("ajouter/", views.add, name="add"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/version/", views.version_add, name="version_add"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
    path("<int:pk>/v<int:number>/", views.download, name="download"),
]
