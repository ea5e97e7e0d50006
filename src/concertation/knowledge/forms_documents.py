"""The forms of the document library: a document (a file or a link), its changes, a new version."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concertation.core.validators import guard_single_line, refuse_invisible_characters

from .models import Document

ACCEPT = ".pdf,.odt,.ods,.odp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.rtf,.txt,.csv,.png,.jpg,.jpeg,.gif,.webp"


class DocumentForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200, validators=[refuse_invisible_characters])
    kind = forms.ChoiceField(label=gettext_lazy("Type de document"), choices=Document.Kind.choices,
                             initial=Document.Kind.OTHER)
    visibility = forms.ChoiceField(label=gettext_lazy("Qui peut le voir"), choices=Document.Visibility.choices,
                                   initial=Document.Visibility.SPACE, widget=forms.RadioSelect)
    description = forms.CharField(label=gettext_lazy("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=gettext_lazy("Fichier"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    url = forms.URLField(label=gettext_lazy("Ou un lien"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, document: Document | None = None, max_mb: int = 20, **kwargs):
        if document is not None and "initial" not in kwargs:
            kwargs["initial"] = {"title": document.title, "kind": document.kind,
                                 "visibility": document.visibility, "description": document.description,
                                 "url": document.url}
        super().__init__(*args, **kwargs)
        guard_single_line(self, "title")
        self.document = document
        self.fields["file"].help_text = _("PDF, document de bureautique, image ou CSV; %(size)s Mo au plus.") % {
            "size": max_mb}
        self.fields["visibility"].help_text = _("« Publique » : toute personne qui voit l'espace, même sans "
                                                "compte, si l'espace est public.")
        if document is not None:
            del self.fields["file"]  # a new file is a new version (its own form)
            if not document.url:
                del self.fields["url"]
            else:
                self.fields["url"].label = _("Lien")
                self.fields["url"].required = True

    def clean(self):
        data = super().clean()
        if self.document is None and "file" in self.fields:
            if bool(data.get("file")) == bool(data.get("url")) and not self.has_error("url"):
                self.add_error("file", _("Joignez un fichier ou indiquez un lien vers le document, pas les deux."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) or "" for name in ("title", "kind", "visibility", "description")}
        if "url" in self.fields:
            values["url"] = data.get("url") or ""
        if "file" in self.fields:
            values["file"] = data.get("file")
        return values


class VersionForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Fichier de la nouvelle version"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
