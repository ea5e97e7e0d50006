"""The plan's structure and revisions (included by urls.py, namespace "planning").

The item kind in a URL only matches the kinds of the plan (priority, objective, strategy,
activity; history also takes indicator and plan), so these patterns never shadow the dashboard's.
"""

from django.urls import path, register_converter

from .views import documents
from .views import structure as views


class ItemKindConverter:
    regex = "priority|objective|strategy|activity"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class HistoryKindConverter(ItemKindConverter):
    regex = "priority|objective|strategy|activity|indicator|plan"


register_converter(ItemKindConverter, "plan_item_kind")
register_converter(HistoryKindConverter, "plan_history_kind")

urlpatterns = [
    path("", views.plans, name="plans"),
    path("nouveau/", views.plan_add, name="plan_add"),
    path("<int:plan>/", views.plan, name="plan"),
    path("<int:plan>/modifier/", views.plan_edit, name="plan_edit"),
    path("<int:plan>/adopter/", views.plan_adopt, name="plan_adopt"),
    path("<int:plan>/archiver/", views.plan_archive, name="plan_archive"),
    path("<int:plan>/revisions/", views.revisions, name="revisions"),
    path("<int:plan>/actions/<int:item>/avancement/", views.progress_add, name="progress_add"),
    path("<int:plan>/actions/<int:item>/documents/", documents.activity_documents, name="activity_documents"),
    path("<int:plan>/<plan_item_kind:kind>/ajouter/", views.item_add, name="item_add"),
    path("<int:plan>/<plan_item_kind:kind>/<int:item>/modifier/", views.item_edit, name="item_edit"),
    path("<int:plan>/<plan_item_kind:kind>/<int:item>/deplacer/", views.item_move, name="item_move"),
    path("<int:plan>/<plan_item_kind:kind>/<int:item>/retirer/", views.item_remove, name="item_remove"),
    path("<int:plan>/<plan_history_kind:kind>/<int:item>/historique/", views.item_history, name="item_history"),
]
