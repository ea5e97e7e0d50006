"""The portrait's figures an objective or an indicator cites (views/citations.py)."""

from django.urls import path, register_converter

from .views import citations as views


class CitingKindConverter:
    regex = "objective|indicator"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CitingKindConverter, "plan_citing_kind")

urlpatterns = [
    path("<int:plan>/<plan_citing_kind:kind>/<int:item>/chiffres/", views.item_figures, name="item_figures"),
]
