"""A person's own follow-ups, mounted at /moi/ (namespace "my")."""

from django.urls import path

from .views import minutes as views

urlpatterns = [
    path("suivis/", views.my_follow_ups, name="my_follow_ups"),
]
