"""Meetings of a space, mounted at /t/<territory>/e/<space>/rencontres/ (namespace "meetings").

Each part of the meeting has its own URL module so that they stay easy to find.
"""

from django.urls import include, path

app_name = "meetings"

urlpatterns = [
    path("", include("concertation.meetings.urls_agenda")),
    path("", include("concertation.meetings.urls_live")),
    path("", include("concertation.meetings.urls_minutes")),
]
