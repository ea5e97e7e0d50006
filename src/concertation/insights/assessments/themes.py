"""The questionnaire of a self-assessment: six themes, each with one or two 1–5 statements, then
« un plus, un delta ». The statements are the columns of ``AssessmentAnswer`` (models.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    statements: tuple[tuple[str, str], ...]  # (answer field, statement)

    @property
    def fields(self) -> list[str]:
        return [name for name, _label in self.statements]


THEMES: tuple[Theme, ...] = (
    Theme("roles", _("Clarté des rôles et des responsabilités"), (
        ("roles_clear", _("Je sais qui fait quoi dans cet espace.")),
        ("roles_assumed", _("Les personnes assument les rôles et les responsabilités qui leur sont confiés.")),
    )),
    Theme("rules", _("Règles de décision connues et appliquées"), (
        ("rules_known", _("Je connais les règles de décision de l'espace.")),
        ("rules_applied", _("Les décisions se prennent selon les règles convenues.")),
    )),
    Theme("information", _("Information partagée à temps"), (
        ("info_in_time", _("Je reçois l'information et les documents assez tôt pour me préparer.")),
    )),
    Theme("voice", _("Chaque voix entendue"), (
        ("voices_heard", _("Chaque personne peut s'exprimer et être entendue.")),
        ("minority_heard", _("Les points de vue minoritaires sont pris en compte.")),
    )),
    Theme("leadership", _("Leadership partagé"), (
        ("leadership_shared", _("Les responsabilités sont partagées et ne reposent pas toujours sur les mêmes "
                                "personnes.")),
    )),
    Theme("welcome", _("Accueil et logistique"), (
        ("welcome_warm", _("L'accueil est chaleureux et la salle est confortable.")),
        ("logistics_ready", _("L'ordre du jour est précis et la collation est santé.")),
    )),
)
BY_KEY = {theme.key: theme for theme in THEMES}
SCORE_FIELDS: tuple[str, ...] = tuple(name for theme in THEMES for name in theme.fields)
TEXT_FIELDS = ("plus", "delta")
ANSWER_FIELDS = (*SCORE_FIELDS, *TEXT_FIELDS)
MAX_TEXT = 2000


def answer_content(answer) -> tuple:
    """What an answer says: the only order its rows may follow (``core.secrecy``)."""
    return tuple(getattr(answer, name) for name in ANSWER_FIELDS)
