"""Proposals of a space, mounted under /t/<territory>/e/<space>/propositions/ (namespace "decisions")."""

from django.urls import path

from .views import documents, receipts
from .views import proposals as views

app_name = "decisions"

urlpatterns = [
    path("", views.proposals, name="proposals"),
    path("nouvelle/", views.proposal_add, name="proposal_add"),
    path("<int:pk>/", views.proposal, name="proposal"),
    path("<int:pk>/voter/", views.vote, name="vote"),
    path("<int:pk>/resultats/", views.results, name="results"),
    path("<int:pk>/ouvrir/", views.proposal_open, name="proposal_open"),
    path("<int:pk>/fermer/", views.proposal_close, name="proposal_close"),
    path("<int:pk>/amender/", views.proposal_amend, name="proposal_amend"),
    path("<int:pk>/decider/", views.proposal_decide, name="proposal_decide"),
    path("<int:pk>/retirer/", views.proposal_withdraw, name="proposal_withdraw"),
    path("<int:pk>/retrait/", views.recusal, name="recusal"),
    path("<int:pk>/recu/", receipts.receipt, name="receipt"),
    path("<int:pk>/documents/", documents.proposal_documents, name="proposal_documents"),
]
