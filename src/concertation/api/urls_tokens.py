"""The person's access tokens, mounted at /moi/ (namespace "api_tokens")."""

from django.urls import path

from .views import tokens as views

app_name = "api_tokens"

urlpatterns = [
    path("jetons/", views.tokens, name="tokens"),
    path("jetons/<int:pk>/revoquer/", views.revoke, name="revoke"),
]
