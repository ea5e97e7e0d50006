"""After the meeting: minutes, follow-ups and evaluation (included by urls.py, namespace "meetings")."""

from django.urls import path

from .views import minutes as views

urlpatterns = [
    path("<int:pk>/proces-verbal/", views.minutes, name="minutes"),
    path("<int:pk>/proces-verbal/generer/", views.minutes_generate, name="minutes_generate"),
    path("<int:pk>/proces-verbal/circuler/", views.minutes_circulate, name="minutes_circulate"),
    path("<int:pk>/proces-verbal/commenter/", views.minutes_comment, name="minutes_comment"),
    path("<int:pk>/proces-verbal/adopter/", views.minutes_adopt, name="minutes_adopt"),
    path("<int:pk>/proces-verbal.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("suivis/", views.follow_ups, name="follow_ups"),
    path("suivis/<int:fu>/", views.follow_up_edit, name="follow_up_edit"),
    path("<int:pk>/evaluation/", views.evaluate, name="evaluate"),
    path("<int:pk>/evaluation/resultats/", views.evaluation_results, name="evaluation_results"),
]
