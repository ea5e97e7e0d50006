"""Forms of the proposal screens: writing a proposal, casting a ballot, amending, deciding.

The vote form is built for the proposal's method and only ever reads the fields it declares: a
weight or any other extra field sent by a browser is ignored. Business rules (eligibility, dates,
budgets, option keys) are checked again by ballots.ballot_cast.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from concertation.core.validators import refuse_invisible_characters
from concertation.spaces.models import Charter

from .models import Proposal
from .services import CHOICE_METHODS, SINGLE_PROPOSAL_METHODS

RANKED_METHODS = {"irv", "schulze", "borda", "stv"}
DEFAULT_DOTS = 8

# What each position means, as a voter chooses it …
VOTE_POSITIONS = {
    "majority": [("yes", _("Pour")), ("no", _("Contre")), ("abstain", _("Je m'abstiens"))],
    "consent": [
        ("consent", _("Je consens")),
        ("stand_aside", _("Je me mets en retrait")),
        ("objection", _("J'ai une objection")),
    ],
    "consensus": [
        ("agree", _("Je suis d'accord")),
        ("stand_aside", _("Je me mets en retrait")),
        ("disagree", _("Je suis en désaccord")),
        ("block", _("Je bloque")),
    ],
}
# … and as a result counts it.
RESULT_POSITIONS = {
    "majority": [("yes", _("Pour")), ("no", _("Contre")), ("abstain", _("Abstentions"))],
    "consent": [("consent", _("Consentements")), ("stand_aside", _("En retrait")), ("objection", _("Objections"))],
    "consensus": [
        ("agree", _("Accords")), ("stand_aside", _("En retrait")), ("disagree", _("Désaccords")),
        ("block", _("Blocages")),
    ],
}
# Kaner's gradients of agreement.
GRADIENTS = [
    (1, _("1 — J'appuie pleinement")),
    (2, _("2 — D'accord, avec une réserve mineure")),
    (3, _("3 — J'appuie, avec des réserves")),
    (4, _("4 — Je m'abstiens")),
    (5, _("5 — Il faut en discuter davantage")),
    (6, _("6 — Je n'aime pas, mais je ne bloque pas")),
    (7, _("7 — Désaccord sérieux")),
    (8, _("8 — Veto : je bloque")),
]
TIME_POLL_ANSWERS = [("yes", _("Oui")), ("if_need_be", _("Au besoin")), ("no", _("Non"))]
REASON_POSITIONS = {"consent": "objection", "consensus": "block"}


def dots_budget(proposal: Proposal) -> int:
    return int((proposal.method_settings or {}).get("dots") or DEFAULT_DOTS)


def stv_seats(proposal: Proposal) -> int:
    return int((proposal.method_settings or {}).get("seats") or 1)


def method_explanation(proposal: Proposal) -> str:
    """The method in one sentence, shown above the vote form."""
    method = proposal.method
    if method == "dot":
        return ngettext(
            "Vote par gommettes : répartissez votre gommette entre les options comme vous le voulez.",
            "Vote par gommettes : répartissez vos %(dots)s gommettes entre les options comme vous le voulez; "
            "l'option qui en reçoit le plus l'emporte.",
            dots_budget(proposal),
        ) % {"dots": dots_budget(proposal)}
    if method == "stv":
        return ngettext(
            "Vote unique transférable : classez les options par ordre de préférence (1 = premier choix); "
            "%(seats)s siège à pourvoir, et les voix en trop ou des options éliminées passent au choix suivant.",
            "Vote unique transférable : classez les options par ordre de préférence (1 = premier choix); "
            "%(seats)s sièges à pourvoir, et les voix en trop ou des options éliminées passent au choix suivant.",
            stv_seats(proposal),
        ) % {"seats": stv_seats(proposal)}
    return str({
        "consent": _("Consentement : la proposition est adoptée si personne n'y voit d'objection; "
                     "une objection doit être expliquée."),
        "consensus": _("Consensus : la proposition est adoptée si personne ne la bloque et que les désaccords "
                       "restent dans la limite prévue par la charte; un blocage doit être expliqué."),
        "gradients": _("Gradients d'accord : situez-vous de 1 (j'appuie pleinement) à 8 (veto); l'accord est "
                       "atteint sans veto et sans trop de réserves sérieuses."),
        "majority": _("Vote à la majorité : votez pour, contre ou abstenez-vous; le seuil prévu décide de "
                      "l'adoption."),
        "approval": _("Vote par approbation : cochez toutes les options que vous approuvez; la plus approuvée "
                      "l'emporte."),
        "score": _("Vote par notes : donnez à chaque option une note de 0 à 5; le plus haut total l'emporte."),
        "irv": _("Vote préférentiel : classez les options par ordre de préférence (1 = premier choix); la moins "
                 "soutenue est éliminée à chaque tour jusqu'à ce qu'une option ait la majorité."),
        "schulze": _("Méthode Schulze : classez les options par ordre de préférence (1 = premier choix); l'option "
                     "préférée à chacune des autres, une contre une, l'emporte."),
        "borda": _("Méthode Borda : classez les options par ordre de préférence (1 = premier choix); chaque rang "
                   "donne des points et le plus haut total l'emporte."),
        "time_poll": _("Sondage de dates : pour chaque moment proposé, dites s'il vous convient, s'il vous "
                       "convient au besoin ou non."),
        "advice": _("Sollicitation d'avis : donnez votre avis; la personne qui propose décide après avoir "
                    "entendu les avis."),
    }.get(method, ""))


# Writing a proposal --------------------------------------------------------------------------

class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


class ProposalForm(forms.Form):
    """A new proposal. Its rules come from the charter; the method and thresholds are fields only
    when the charter lets a proposal change them."""

    title = forms.CharField(label=_("Titre"), max_length=250, validators=[refuse_invisible_characters])
    body = forms.CharField(
        label=_("Texte de la proposition"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ce qui est proposé, et pourquoi. Mise en forme simple permise (listes, **gras**, liens)."),
    )
    options = forms.CharField(
        validators=[refuse_invisible_characters],
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Une option par ligne, pour les votes entre plusieurs options (classement, approbation, "
                    "notes, gommettes, sondage de dates)."),
    )
    method = forms.ChoiceField(label=_("Méthode de décision"), choices=Charter.METHOD_CHOICES)
    threshold = forms.ChoiceField(
        label=_("Seuil (vote à la majorité)"),
        choices=[choice for choice in Charter.Threshold.choices if choice[0] != Charter.Threshold.CUSTOM],
    )
    base = forms.ChoiceField(label=_("Base du calcul (vote à la majorité)"), choices=Charter.Base.choices)
    closes_at = forms.DateTimeField(
        label=_("Fermeture du vote"), required=False, widget=DateTimeLocalInput(),
        help_text=_("Sans date, le vote ferme sept jours après l'ouverture."),
    )
    anonymous = forms.BooleanField(
        label=_("Vote secret : à la fermeture, plus rien ne relie un vote à la personne qui l'a donné"),
        required=False,
    )
    results_visibility = forms.ChoiceField(
        label=_("Qui voit les résultats pendant le vote"), widget=forms.RadioSelect,
        choices=[
            (Proposal.ResultsVisibility.ALWAYS, _("Tout le monde, en tout temps")),
            (Proposal.ResultsVisibility.AFTER_VOTING, _("Chaque personne, une fois qu'elle a voté")),
            (Proposal.ResultsVisibility.AFTER_CLOSING, _("Personne avant la fermeture du vote")),
        ],
        initial=Proposal.ResultsVisibility.AFTER_VOTING,
    )
    reason_required = forms.BooleanField(label=_("Chaque vote doit être accompagné d'une raison"), required=False)
    seats = forms.IntegerField(label=_("Nombre de sièges à pourvoir"), min_value=1, max_value=50, required=False,
                               help_text=_("Pour le vote unique transférable."))
    dots = forms.IntegerField(label=_("Gommettes par personne"), min_value=1, max_value=100, required=False,
                              help_text=_("Pour le vote par gommettes (8 par défaut)."))
    min_choices = forms.IntegerField(label=_("Nombre minimal d'options à cocher"), min_value=0, max_value=100,
                                     required=False, help_text=_("Pour le vote par approbation."))
    max_choices = forms.IntegerField(label=_("Nombre maximal d'options à cocher"), min_value=1, max_value=100,
                                     required=False, help_text=_("Pour le vote par approbation."))

    SETTINGS_BY_METHOD = {"stv": ["seats"], "dot": ["dots"], "approval": ["min_choices", "max_choices"]}
    RULE_FIELDS = ["method", "threshold", "base"]

    def __init__(self, *args, charter: Charter | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.charter = charter
        self.may_override = charter is None or charter.proposals_may_override
        self.charter_method = charter.method if charter else "majority"
        if self.may_override:
            self.fields["method"].initial = self.charter_method
            self.fields["threshold"].initial = charter.threshold if charter else Charter.Threshold.SIMPLE
            self.fields["base"].initial = charter.base if charter else Charter.Base.CAST
            if charter is not None and charter.threshold == Charter.Threshold.CUSTOM:
                self.fields["threshold"].choices = Charter.Threshold.choices
        else:
            for name in self.RULE_FIELDS:
                del self.fields[name]
            relevant = set(self.SETTINGS_BY_METHOD.get(self.charter_method, []))
            for names in self.SETTINGS_BY_METHOD.values():
                for name in names:
                    if name not in relevant:
                        del self.fields[name]
            if self.charter_method in SINGLE_PROPOSAL_METHODS:
                del self.fields["options"]

    @property
    def chosen_method(self) -> str:
        data = getattr(self, "cleaned_data", {})
        return data.get("method") or self.charter_method

    def clean_closes_at(self):
        closes_at = self.cleaned_data.get("closes_at")
        if closes_at is not None and closes_at <= timezone.now():
            raise forms.ValidationError(_("Choisissez une fermeture dans le futur."))
        return closes_at

    def clean(self):
        data = super().clean()
        method = self.chosen_method
        labels = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        if method in CHOICE_METHODS and len(labels) < 2:
            self.add_error("options" if "options" in self.fields else None,
                           _("Cette méthode demande au moins deux options, une par ligne."))
        elif method in SINGLE_PROPOSAL_METHODS and labels:
            self.add_error("options", _("Cette méthode porte sur la proposition elle-même : laissez les options "
                                        "vides, ou choisissez une méthode à plusieurs options."))
        if len(set(labels)) != len(labels):
            self.add_error("options", _("Deux options portent le même nom."))
        if any(len(label) > 250 for label in labels):
            self.add_error("options", _("Une option dépasse 250 caractères."))
        data["option_labels"] = labels
        low, high = data.get("min_choices"), data.get("max_choices")
        if low is not None and high is not None and low > high:
            self.add_error("max_choices", _("Le maximum doit être au moins égal au minimum."))
        return data

    def method_settings(self) -> dict:
        data = self.cleaned_data
        settings = {}
        for name in self.SETTINGS_BY_METHOD.get(self.chosen_method, []):
            if data.get(name) is not None:
                settings[name] = data[name]
        return settings

    def service_kwargs(self) -> dict:
        """Keyword arguments of services.proposal_create (rule overrides only where offered)."""
        data = self.cleaned_data
        kwargs = {
            "title": data["title"], "body": data.get("body", ""), "options": data["option_labels"],
            "closes_at": data.get("closes_at"), "anonymous": data.get("anonymous", False),
            "results_visibility": data["results_visibility"], "reason_required": data.get("reason_required", False),
            "method_settings": self.method_settings(),
        }
        if self.may_override:
            kwargs["method"] = data["method"]
            if data["method"] == "majority":
                kwargs["threshold"] = data["threshold"]
                kwargs["base"] = data["base"]
        return kwargs


# Casting a ballot ----------------------------------------------------------------------------

class VoteForm(forms.Form):
    """A ballot for one proposal, shaped by its method. ``ballot_value()`` gives the value that
    ballots.ballot_cast stores; ``initial_value`` fills the form with the voter's current ballot."""

    def __init__(self, *args, proposal: Proposal, options, initial_value=None, initial_reason: str = "",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.method = proposal.method
        self.option_list = list(options)
        build = getattr(self, f"_build_{self.method_family}")
        build(initial_value)
        if self.method != "advice":
            self.fields["reason"] = forms.CharField(
                label=_("Votre raison") if proposal.reason_required else _("Votre raison (facultatif)"),
                required=proposal.reason_required, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=self._reason_help(),
                initial=initial_reason,
            )

    @property
    def method_family(self) -> str:
        if self.method in RANKED_METHODS:
            return "ranked"
        if self.method in VOTE_POSITIONS:
            return "position"
        return self.method

    def _reason_help(self) -> str:
        position = REASON_POSITIONS.get(self.method)
        if position == "objection":
            return _("Obligatoire pour une objection : dites ce qui pose problème et ce qui le réglerait.")
        if position == "block":
            return _("Obligatoire pour un blocage : dites ce qui pose problème et ce qui le réglerait.")
        return ""

    @staticmethod
    def _key(option) -> str:
        return str(option.pk)

    # builders: one per family of methods

    def _build_position(self, initial):
        self.fields["choice"] = forms.ChoiceField(
            label=_("Votre position"), widget=forms.RadioSelect(attrs={"class": "choices"}),
            choices=VOTE_POSITIONS[self.method], initial=initial,
        )

    def _build_gradients(self, initial):
        self.fields["choice"] = forms.TypedChoiceField(
            label=_("Votre degré d'accord"), widget=forms.RadioSelect(attrs={"class": "choices"}),
            choices=GRADIENTS, coerce=int, initial=initial,
        )

    def _build_approval(self, initial):
        settings = self.proposal.method_settings or {}
        low, high = settings.get("min_choices"), settings.get("max_choices")
        if low and high:
            help_text = _("Cochez de %(low)s à %(high)s options.") % {"low": low, "high": high}
        elif high:
            help_text = _("Cochez au plus %(high)s options.") % {"high": high}
        elif low:
            help_text = _("Cochez au moins %(low)s options.") % {"low": low}
        else:
            help_text = _("Cochez autant d'options que vous le voulez.")
        self.fields["approved"] = forms.MultipleChoiceField(
            label=_("Les options que vous approuvez"), required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
            choices=[(self._key(option), option.label) for option in self.option_list],
            initial=[str(key) for key in (initial or [])], help_text=help_text,
        )

    def _build_score(self, initial):
        initial = initial or {}
        choices = [("", _("Sans note"))] + [(str(n), str(n)) for n in range(6)]
        for option in self.option_list:
            key = self._key(option)
            value = initial.get(key)
            self.fields[f"score_{key}"] = forms.TypedChoiceField(
                label=_("Note de « %(option)s » (0 à 5)") % {"option": option.label}, choices=choices,
                coerce=int, empty_value=None, required=False, initial="" if value is None else str(value),
            )

    def _build_dot(self, initial):
        initial = initial or {}
        budget = dots_budget(self.proposal)
        for option in self.option_list:
            key = self._key(option)
            self.fields[f"dots_{key}"] = forms.IntegerField(
                label=_("Gommettes pour « %(option)s »") % {"option": option.label}, min_value=0,
                max_value=budget, required=False, initial=initial.get(key, 0),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def _build_ranked(self, initial):
        ranks = {str(key): n for n, key in enumerate(initial or [], start=1)}
        count = len(self.option_list)
        choices = [("", _("Non classée"))] + [(str(n), str(n)) for n in range(1, count + 1)]
        for option in self.option_list:
            key = self._key(option)
            self.fields[f"rank_{key}"] = forms.TypedChoiceField(
                label=_("Rang de « %(option)s »") % {"option": option.label}, choices=choices, coerce=int,
                empty_value=None, required=False, initial=str(ranks[key]) if key in ranks else "",
            )

    def _build_time_poll(self, initial):
        initial = initial or {}
        for option in self.option_list:
            key = self._key(option)
            self.fields[f"slot_{key}"] = forms.ChoiceField(
                label=option.label, choices=TIME_POLL_ANSWERS, required=False, initial=initial.get(key),
                widget=forms.RadioSelect(attrs={"class": "choices"}),
            )

    def _build_advice(self, initial):
        self.fields["advice"] = forms.CharField(
            label=_("Votre avis"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
            initial=initial if isinstance(initial, str) else "",
        )

    # validation

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        family = self.method_family
        if family == "ranked":
            ranked = [(data.get(f"rank_{self._key(option)}"), self._key(option)) for option in self.option_list]
            ranked = [(rank, key) for rank, key in ranked if rank is not None]
            seen: dict[int, str] = {}
            for rank, _key in ranked:
                if rank in seen:
                    raise forms.ValidationError(
                        _("Deux options ont le même rang (%(rank)s) : donnez un rang différent à chacune."),
                        code="duplicate_rank", params={"rank": rank},
                    )
                seen[rank] = _key
            if not ranked:
                raise forms.ValidationError(_("Classez au moins une option."), code="empty")
        elif family == "dot":
            budget = dots_budget(self.proposal)
            used = sum(data.get(f"dots_{self._key(option)}") or 0 for option in self.option_list)
            if used > budget:
                raise forms.ValidationError(
                    _("Vous avez placé %(used)s gommettes, pour %(budget)s permises."),
                    code="too_many_dots", params={"used": used, "budget": budget},
                )
            if used == 0:
                raise forms.ValidationError(_("Placez au moins une gommette."), code="empty")
        elif family == "time_poll":
            if not any(data.get(f"slot_{self._key(option)}") for option in self.option_list):
                raise forms.ValidationError(_("Répondez pour au moins un des moments proposés."), code="empty")
        elif family == "score":
            if all(data.get(f"score_{self._key(option)}") is None for option in self.option_list):
                raise forms.ValidationError(_("Donnez une note à au moins une option."), code="empty")
        elif family == "approval":
            settings = self.proposal.method_settings or {}
            count = len(data.get("approved") or [])
            low, high = settings.get("min_choices"), settings.get("max_choices")
            if low and count < low:
                self.add_error("approved", _("Cochez au moins %(low)s options.") % {"low": low})
            if high and count > high:
                self.add_error("approved", _("Cochez au plus %(high)s options.") % {"high": high})
        position = REASON_POSITIONS.get(self.method)
        if position and data.get("choice") == position and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Expliquez votre objection : dites ce qui pose problème et ce qui le "
                                       "réglerait.") if position == "objection" else
                           _("Expliquez votre blocage : dites ce qui pose problème et ce qui le réglerait."))
        return data

    def ballot_value(self):
        """The value as ballots.ballot_cast expects it (option keys are option ids as text)."""
        data = self.cleaned_data
        family = self.method_family
        if family in {"position", "gradients"}:
            return data["choice"]
        if family == "approval":
            return list(data.get("approved") or [])
        if family == "score":
            return {self._key(o): data[f"score_{self._key(o)}"] for o in self.option_list
                    if data.get(f"score_{self._key(o)}") is not None}
        if family == "dot":
            return {self._key(o): data[f"dots_{self._key(o)}"] for o in self.option_list
                    if data.get(f"dots_{self._key(o)}")}
        if family == "ranked":
            ranked = sorted((data[f"rank_{self._key(o)}"], self._key(o)) for o in self.option_list
                            if data.get(f"rank_{self._key(o)}") is not None)
            return [key for _rank, key in ranked]
        if family == "time_poll":
            return {self._key(o): data[f"slot_{self._key(o)}"] for o in self.option_list
                    if data.get(f"slot_{self._key(o)}")}
        return data["advice"].strip()

    def ballot_reason(self) -> str:
        return (self.cleaned_data.get("reason") or "").strip()


def describe_ballot(proposal: Proposal, value, options) -> str:
    """The voter's current choice in words (« Pour », « 1. Parc, 2. Piscine »…)."""
    labels = {str(option.pk): option.label for option in options}
    method = proposal.method
    if method in VOTE_POSITIONS:
        return str(dict(VOTE_POSITIONS[method]).get(value, value))
    if method == "gradients":
        return str(dict(GRADIENTS).get(value, value))
    if method == "approval":
        return ", ".join(labels.get(str(key), str(key)) for key in value or []) or str(_("Aucune option"))
    if method in {"score", "dot"}:
        return ", ".join(f"{labels.get(str(key), key)} : {amount}" for key, amount in (value or {}).items())
    if method in RANKED_METHODS:
        return ", ".join(f"{n}. {labels.get(str(key), key)}" for n, key in enumerate(value or [], start=1))
    if method == "time_poll":
        answers = dict(TIME_POLL_ANSWERS)
        return ", ".join(f"{labels.get(str(key), key)} : {answers.get(answer, answer)}"
                         for key, answer in (value or {}).items())
    return str(value)


# Other forms of the proposal page ------------------------------------------------------------

class CommentForm(forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class RecusalForm(forms.Form):
    reason = forms.CharField(label=_("Nature du conflit d'intérêts (facultatif)"), max_length=300, required=False)


class AmendForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=250, validators=[refuse_invisible_characters])
    body = forms.CharField(label=_("Texte de la proposition"), required=False,
                           widget=forms.Textarea(attrs={"rows": 10}))
    reason = forms.CharField(
        label=_("Ce que l'amendement change, et pourquoi"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(forms.Form):
    outcome = forms.CharField(
        label=_("La décision, telle qu'elle entrera au registre"), max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Citez la règle appliquée et le résultat; mentionnez les retraits pour conflit d'intérêts."),
    )
    dissent = forms.CharField(
        label=_("Dissidences (facultatif)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Les membres qui demandent que leur désaccord soit inscrit, et leurs raisons."),
    )


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Code de reçu"), max_length=40, strip=True,
        help_text=_("Le code affiché quand vous avez voté, par exemple 3F9A-C21B-07DE (espaces et tirets facultatifs)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
