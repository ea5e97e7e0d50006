from django.urls import path

from . import views

urlpatterns = [
        path("_floor/", views.floor, name="floor"),
]
