from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "concertation.meetings"
    label = "meetings"
    verbose_name = _("Rencontres")

    def ready(self):
        from concertation.core import audit

        audit.register_actions({"minutes.adopted": _("Procès-verbal adopté")})
        audit.register_detail_labels({
            "meeting": _("rencontre"),
            "at_meeting": _("adopté à la rencontre"),
        })
        audit.register_detail_refs({"at_meeting": "meetings.meeting"})
        audit.hide_details("meeting")  # the line names the minutes, which name their meeting
        audit.register_territory_relations("meeting")

        # What meetings tell people (issue 16): the notice, minutes, follow-ups (events.py).
        from . import events

        events.register()
        from . import discussions

        discussions.register()  # meetings are discussed in knowledge's discussions

        # Law 25 (issue 19): what meetings hold about a person, in her data export.
        from . import personal_data

        personal_data.register()
