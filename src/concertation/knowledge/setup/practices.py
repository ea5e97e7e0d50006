"""What the practice sheets of the knowledge app register at start-up: their permissions (rules) and
their audit actions."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from concertation.core import audit

    from .. import rules_practices  # noqa: F401 — registers the permissions

    audit.register_actions({
        "practice_sheet.published": _("Fiche d'expérience publiée"),
        "practice_sheet.unpublished": _("Fiche d'expérience retirée de la publication"),
        "practice_sheet.deleted": _("Fiche d'expérience supprimée"),
    })
    audit.register_detail_labels({"sheet_audience": _("publiée pour")})

    from ..models import PracticeSheet

    audit.register_detail_values({"sheet_audience": audit.choice_words(PracticeSheet.Audience)})
