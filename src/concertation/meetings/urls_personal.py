"""A person's calendar feed, mounted at /moi/ (namespace "my_meetings"): the secret address that
calendar applications read, and the page to show, regenerate or turn it off."""

from django.urls import path

from .views import agenda as views

urlpatterns = [
    path("calendrier/", views.personal_feed_settings, name="personal_feed_settings"),
    path("calendrier/<str:token>.ics", views.personal_feed, name="personal_feed"),
]
