from django.apps import AppConfig
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_translated = lazy(gettext, str)


def tell_spaces(method, *, registered: bool = True) -> None:
    """spaces (below decisions) learns each decision method a charter may name from here."""
    from concertation.spaces import decision_methods

    if not registered:
        decision_methods.unregister_method(method.key)
        return
    decision_methods.register_method(decision_methods.MethodEntry(
        key=method.key, label=_translated(method.title or method.key),
        phrase=_translated(method.phrase) if method.phrase else None, thresholded=method.thresholded,
    ))


class DecisionsConfig(AppConfig):
    name = "concertation.decisions"
    label = "decisions"
    verbose_name = _("Décisions")

    def ready(self):
        from concertation.core import audit

        audit.register_actions({
            "proposal.closed": _("Vote fermé"),
            "proposal.decided": _("Décision inscrite"),
            "proposal.outcome_edited": _("Décision modifiée"),
            "export.downloaded": _("Exportation téléchargée"),
        })
        audit.register_detail_labels({
            "method": _("méthode"),
            "fallback": _("vote de repli"),
            "round": _("tour"),
            "export": _("exportation"),
            "filters": _("filtres"),
            "rows": _("lignes"),
        })
        from . import methods

        def method_words(key) -> str:
            method = methods.REGISTRY.get(key)
            return str(_translated(method.title)) if method is not None and method.title else str(key)

        audit.register_detail_refs({"fallback": "decisions.proposal"})
        audit.register_detail_values({
            "method": method_words,
            "export": lambda value: str(_("registre des décisions (CSV)")) if value == "decision_register_csv" else value,
        })
        audit.register_territory_relations("proposal")

        from . import discussions

        discussions.register()  # proposals are discussed in knowledge's discussions

        from concertation.spaces import decision_methods


        for key in methods.keys():
            tell_spaces(methods.REGISTRY[key])
        methods.LISTENERS.append(tell_spaces)
        decision_methods.register_defaults(method=methods.yesno.Consensus.key, fallback=methods.MAJORITY)

        # What decisions tell people (issue 16): opened, closing soon, decided (events.py).
        from . import events

        events.register()

        # Law 25 (issue 19): what decisions hold about a person, in her data export (no secret ballot).
        from . import personal_data

        personal_data.register()
