"""Forms of discussions: a comment (or a reply), an edit, a reason to hide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_LENGTH, REASON_LENGTH


class CommentForm(forms.Form):
    """The form under a discussion; its ids (« discussion-body ») never clash with the page's own forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "discussion-%s")
        super().__init__(*args, **kwargs)

    body = forms.CharField(
        label=_("Votre commentaire"), max_length=BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pour mentionner une personne qui peut voir cette page, écrivez son nom ainsi : @[Prénom Nom]."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(forms.Form):
    body = forms.CharField(label=_("Texte du commentaire"), max_length=BODY_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 6}))


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison du masquage"), max_length=REASON_LENGTH,
        help_text=_("Elle s'affiche à la place du commentaire pour les autres personnes."),
    )
