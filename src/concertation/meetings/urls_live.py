"""During the meeting: the secretary's live page and its actions (included by urls.py, namespace "meetings")."""

from django.urls import path

from .views import live as views
from .views import live_actions

urlpatterns = [
    path("<int:pk>/en-direct/", views.live, name="live"),
    path("<int:pk>/en-direct/noms/", views.who_names, name="live_names"),
    path("<int:pk>/ouvrir/", views.meeting_open, name="open"),
    path("<int:pk>/presences/", views.attendance, name="attendance"),
    path("<int:pk>/presences/reponses-oui/", live_actions.attendance_yes, name="attendance_yes"),
    path("<int:pk>/suivis-precedents/<int:fu>/", live_actions.follow_up_review, name="follow_up_review"),
    path("<int:pk>/points/<int:item>/notes/", views.item_notes, name="item_notes"),
    path("<int:pk>/points/<int:item>/conflit/", views.conflict, name="conflict"),
    path("<int:pk>/points/<int:item>/decision/", views.decision, name="decision"),
    path("<int:pk>/points/<int:item>/vote/", views.open_vote, name="open_vote"),
    path("<int:pk>/points/<int:item>/suivi/", views.follow_up_add, name="follow_up_add"),
    path("<int:pk>/lever/", views.meeting_close, name="close"),
    path("<int:pk>/quorum/", views.quorum, name="quorum"),
    path("<int:pk>/feuille-de-presence.pdf", views.attendance_sheet, name="attendance_sheet"),
]
