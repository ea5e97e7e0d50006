"""Practice sheets of a territory, mounted at t/<territory>/fiches/ (namespace "practices")."""

from django.urls import path

from .views import practices as views

app_name = "practices"

urlpatterns = [
    path("", views.sheet_list, name="list"),
    path("nouvelle/", views.sheet_add, name="add"),
    path("<int:pk>/", views.sheet_detail, name="sheet"),
    path("<int:pk>/pdf/", views.sheet_pdf, name="pdf"),
    path("<int:pk>/modifier/", views.sheet_edit, name="edit"),
    path("<int:pk>/publier/", views.sheet_publish, name="publish"),
    path("<int:pk>/retirer/", views.sheet_unpublish, name="unpublish"),
    path("<int:pk>/supprimer/", views.sheet_delete, name="delete"),
]
