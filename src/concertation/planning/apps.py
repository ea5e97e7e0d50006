from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "concertation.planning"
    label = "planning"
    verbose_name = _("Plan d'action")

    def ready(self):
        from concertation.core import audit
        from concertation.decisions.links import register_proposal_links

        # Knowledge's portrait says how many items of the plan cite a figure: planning gives the
        # citing items' spaces, the portrait counts those its reader may open.
        from concertation.knowledge.portrait_citations import register_citation_source

        from .adjust import decision_links
        from .citations import citing_spaces

        register_citation_source(citing_spaces)

        # Decisions sits below planning: planning hands it the link instead of being imported by it.
        register_proposal_links("planning.adjust_plan", decision_links)

        audit.register_actions({"plan.revised": _("Plan ajusté"),
                                "plan.figures_cited": _("Chiffres du portrait cités")})
        audit.register_detail_labels({
            "plan": _("plan"),
            "item_type": _("élément"),
            "item_id": _("numéro de l'élément"),
            "change": _("changement"),
            "fields": _("champs"),
            "decision": _("décision"),
            "count": _("nombre"),
        })
        from .models import Activity, Indicator, Objective, Plan, Priority, Revision, Strategy
        from .revisions import MODELS

        audit.register_detail_refs({"decision": "decisions.proposal"})
        audit.register_detail_values({
            "item_type": lambda value: str(MODELS[value]._meta.verbose_name) if value in MODELS else str(value),
            "change": audit.choice_words(Revision.Action),
            "fields": audit.field_words(Plan, Priority, Objective, Strategy, Activity, Indicator),
        })
        audit.hide_details("plan", "item_id")  # the line names the plan's item
        audit.register_territory_relations("plan")

        # Knowledge sits below planning: a practice sheet learns its « Action liée » through this provider.
        from concertation.knowledge.practice_activities import register_activity_provider

        from .practice_sheets import PlanActivities

        register_activity_provider(PlanActivities())
        from . import discussions

        discussions.register()  # activities are discussed in knowledge's discussions

        # What a charter (in spaces, below planning) may reserve to a decision, and its default.
        from concertation.spaces.plan_changes import register_plan_change_kinds

        register_plan_change_kinds({
            "priority": _("Priorités"), "objective": _("Objectifs"), "strategy": _("Stratégies"),
            "activity": _("Actions"), "indicator_target": _("Cibles des indicateurs"),
        }, reserved_by_default=["priority", "objective", "strategy", "indicator_target"])

        # What planning tells people (issue 16): the plan revised (events.py).
        from . import events

        events.register()

        # Law 25 (issue 19): what planning holds about a person, in her data export.
        from . import personal_data

        personal_data.register()
