"""The files of a meeting's agenda, sent only to those who may see them.

Nothing is served by its stored address: this view finds the space, the meeting and the document the
way the meeting's page does (404 for what the person may not see, exactly like a missing one), then
hands the file over (core/files.py: streamed by Django, or by the web server when configured).
"""

from __future__ import annotations

from django.views.decorators.http import require_safe

from concertation.core.files import file_response
from concertation.spaces.views.common import load_space

from ..selectors import document_for, meeting_for


@require_safe
def document(request, territory, space, pk, document):
    space_obj = load_space(request, territory, space)
    meeting = meeting_for(request.user, space_obj, pk)
    item_document = document_for(request.user, meeting, document)
    return file_response(item_document.file, item_document.download_name)
