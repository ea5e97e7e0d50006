"""Documents of the library joined to an object of a higher app (an agenda item, a proposal, an
activity). The higher app declares the many-to-many to ``knowledge.Document`` and hands its manager
(``proposal.documents``) to ``attachment_change``; knowledge never names the higher app.

One form on the object's page does three things (``action``): join an existing document of the
space (« attach »), upload a new one that lands in the library and is joined (« new »), or take one
off (« detach »: the document stays in the library).
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core.errors import DomainError
from concertation.core.validators import refuse_invisible_characters

from .models import Document
from .selectors_documents import attachable_documents
from .services import documents as services

ACTIONS = ("attach", "new", "detach")


class AttachmentForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    document = forms.IntegerField(required=False)
    title = forms.CharField(label=gettext_lazy("Titre"), required=False, max_length=200,
                            validators=[refuse_invisible_characters])
    kind = forms.ChoiceField(choices=Document.Kind.choices, required=False)
    visibility = forms.ChoiceField(choices=Document.Visibility.choices, required=False)
    file = forms.FileField(required=False)
    url = forms.URLField(required=False, max_length=500, assume_scheme="https")


@transaction.atomic
def attachment_change(*, documents, space, by, action: str, document: int | None = None, title: str = "",
                      kind: str = "", visibility: str = "", file=None, url: str = "") -> Document:
    """Join, upload-and-join or detach one document on ``documents`` (the object's many-to-many
    manager); the object belongs to ``space``."""
    if action == "attach":
        chosen = attachable_documents(by, space).filter(pk=document).first() if document else None
        if chosen is None:
            raise DomainError(_("Choisissez un document de la bibliothèque de l'espace."), field="document")
        documents.add(chosen)
        return chosen
    if action == "new":
        # Reporting on an activity is not a right to add to its space's library (a lead organization's
        # delegate may not be a member of the plan's space).
        if not by.has_perm("knowledge.add_document", space):
            raise DomainError(_("Seuls les membres de l'espace ajoutent des documents à sa bibliothèque; "
                                "joignez un document qui s'y trouve déjà."), field="file")
        created = services.document_add(space=space, by=by, title=title, file=file, url=url,
                                        kind=kind or Document.Kind.OTHER,
                                        visibility=visibility or Document.Visibility.SPACE)
        documents.add(created)
        return created
    if action == "detach":
        attached = documents.select_related("space").filter(pk=document).first() if document else None
        if attached is None or not by.has_perm("knowledge.change_document", attached):
            raise DomainError(_("Ce document n'est pas joint ici, ou vous ne pouvez pas le retirer."))
        documents.remove(attached)
        return attached
    raise DomainError(_("Action inconnue."))


def change_from_request(request, *, documents, space) -> str:
    """Read the form of ``_attachments.html`` and apply it; the message to show, or a DomainError."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError(" ".join(str(error) for errors in form.errors.values() for error in errors))
    data = form.cleaned_data
    document = attachment_change(documents=documents, space=space, by=request.user, action=data["action"],
                                 document=data.get("document"), title=data.get("title") or "",
                                 kind=data.get("kind") or "", visibility=data.get("visibility") or "",
                                 file=data.get("file"), url=data.get("url") or "")
    if data["action"] == "detach":
        return _("« %(title)s » n'est plus joint; il reste dans la bibliothèque.") % {"title": document.title}
    return _("« %(title)s » est joint.") % {"title": document.title}
