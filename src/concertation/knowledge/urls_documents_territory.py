"""The documents of a whole territory (t/<territory>/documents/): every one the person may see."""

from django.urls import path

from .views import documents as views

app_name = "territory_documents"

urlpatterns = [
    path("", views.territory_library, name="library"),
]
