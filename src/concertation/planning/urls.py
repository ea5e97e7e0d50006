"""Plans of a space, mounted at /t/<territory>/e/<space>/plan/ (namespace "planning")."""

from django.urls import include, path

app_name = "planning"

urlpatterns = [
    path("", include("concertation.planning.urls_structure")),
    path("", include("concertation.planning.urls_dashboard")),
    path("", include("concertation.planning.urls_citations")),
]
