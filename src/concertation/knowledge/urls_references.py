from django.urls import path

from .views import references as views

app_name = "references"

urlpatterns = [
    path("", views.references, name="list"),
    path("nouveau/", views.reference_add, name="add"),
    path("<int:pk>/modifier/", views.reference_edit, name="edit"),
    path("<int:pk>/supprimer/", views.reference_delete, name="delete"),
    path("<int:pk>/deplacer/", views.reference_move, name="move"),
]
