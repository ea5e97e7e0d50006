"""The template a new practice sheet starts from: guiding questions for each section, in the
language of the person writing (gettext), and what « Dupliquer » carries over from another sheet."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models.practices import SECTIONS


def guiding_questions() -> dict[str, str]:
    """Each section's questions, as Markdown the author replaces with the answers."""
    return {
        "context": _("_Où et quand cela s'est-il passé? Quelle situation ou quel besoin vous a fait agir?_"),
        "objectives": _("_Que vouliez-vous changer? Pour qui?_"),
        "actors": _("_Qui a participé (organismes, citoyennes et citoyens, institutions)? Quel rôle a joué "
                    "chacune et chacun?_\n\n- Organisme — rôle\n- Organisme — rôle"),
        "steps": _("_Comment avez-vous procédé, étape par étape?_\n\n1. Première étape\n2. Deuxième étape"),
        "resources": _("_De quoi avez-vous eu besoin (personnes, temps, argent, locaux, outils)?_"),
        "results": _("_Qu'est-ce qui a changé? Avez-vous des chiffres ou des témoignages?_"),
        "what_worked": _("_Qu'est-ce qui a bien fonctionné? Que referiez-vous de la même façon?_"),
        "pitfalls": _("_Quelles difficultés avez-vous rencontrées? Que feriez-vous autrement?_"),
        "conditions": _("_Qu'est-ce qui est nécessaire pour que cela fonctionne ailleurs?_"),
    }


def copied_from(sheet) -> dict:
    """What a new sheet takes from an existing one: its sections, its space and its tags (not its
    contact nor its activity, which belong to the group that will write the new one)."""
    data = {name: getattr(sheet, name) for name, _label in SECTIONS}
    data["title"] = _("%(title)s (copie)") % {"title": sheet.title}
    data["tags"] = ", ".join(sheet.tag_list)
    data["space"] = sheet.space_id
    return data
