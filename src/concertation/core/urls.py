from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("_floor/", views.floor, name="floor"),
]
