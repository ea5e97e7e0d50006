from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("ouvrir/", views.round_open, name="open"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/repondre/", views.answer, name="answer"),
    path("suite/<slug:theme>/", views.follow_up, name="follow_up"),
]
