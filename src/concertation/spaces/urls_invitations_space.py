# Invitation screens of a space, under /t/<territory>/e/<space>/invitations/ (see views/invitations.py).
from django.urls import path

from .views import invitations as views

urlpatterns = [
    path("", views.invitations, name="invitations"),
    path("<int:pk>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("<int:pk>/revoquer/", views.invitation_revoke, name="invitation_revoke"),
]
