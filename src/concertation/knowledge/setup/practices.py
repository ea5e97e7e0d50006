"""What the practice sheets of the knowledge app register at start-up: their permissions (rules) and
their audit actions."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def sheet_url(sheet) -> str:
    return reverse("practices:sheet", kwargs={"territory": sheet.territory.slug, "pk": sheet.pk})


# A sheet is discussed once published only: a draft is its author's work in progress (its page shows
# no discussion, and the discussion's own address answers 404 for a draft).
def _can_view(user, sheet) -> bool:
    return sheet.is_published and user.has_perm("knowledge.view_practicesheet", sheet)


def _can_comment(user, sheet) -> bool:
    """Who may see the (published) sheet and sits in its territory."""
    from concertation.spaces.access import access_for

    from ..rules_practices import may_view

    access = access_for(user)
    return sheet.is_published and may_view(access, sheet) and access.in_territory(sheet.territory_id)


def _can_moderate(user, sheet) -> bool:
    """The territory's coordinators."""
    from concertation.spaces.access import access_for

    return sheet.is_published and access_for(user).coordinates_territory(sheet.territory_id)


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

    from ..discussions_registry import register_discussion_target

    # A territory-wide object: its comments have no space (the sheet's « espace d'où elle vient »
    # is a credit, not who may read it).
    register_discussion_target(
        "practice_sheet", PracticeSheet,
        space_of=lambda sheet: None,
        territory_of=lambda sheet: sheet.territory,
        can_view=_can_view,
        can_comment=_can_comment,
        can_moderate=_can_moderate,
        url_of=sheet_url,
        label_of=lambda sheet: sheet.title,
        related=("territory",),
    )
