"""Preparing and announcing meetings: list, meeting page, agenda, notice, answers and calendars.

Included by urls.py under /t/<territory>/e/<space>/rencontres/ (namespace "meetings").
"""

from django.urls import path

from .views import agenda as views

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nouvelle/", views.meeting_add, name="add"),
    path("calendrier.ics", views.space_feed, name="space_feed"),
    path("reponse/<str:token>/", views.rsvp, name="rsvp"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/modifier/", views.meeting_edit, name="edit"),
    path("<int:pk>/points/ajouter/", views.item_add, name="item_add"),
    path("<int:pk>/points/proposer/", views.item_propose, name="item_propose"),
    path("<int:pk>/points/<int:item>/", views.item_edit, name="item_edit"),
    path("<int:pk>/points/<int:item>/deplacer/", views.item_move, name="item_move"),
    path("<int:pk>/points/<int:item>/supprimer/", views.item_delete, name="item_delete"),
    path("<int:pk>/points/<int:item>/accepter/", views.item_accept, name="item_accept"),
    path("<int:pk>/points/<int:item>/refuser/", views.item_decline, name="item_decline"),
    path("<int:pk>/convoquer/", views.convene, name="convene"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<int:pk>/convocation.pdf", views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/reunion.ics", views.meeting_ics, name="meeting_ics"),
]
