# The public invitation link /invitation/<token>/ (see views/invitations.py).
from django.urls import path

from .views import invitations as views

urlpatterns = [
    path("<str:token>/", views.invitation_accept, name="invitation_accept"),
]
