"""Forms of the proposal screens: writing a proposal, casting a ballot, amending, deciding.

The vote form is built for the proposal's method and only ever reads the fields it declares: a
weight or any other extra field sent by a browser is ignored. Business rules (eligibility, dates,
budgets, option keys) are checked again by ballots.ballot_cast.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from concertation.core.validators import refuse_invisible_characters
from concertation.spaces.decision_methods import method_choices
from concertation.spaces.models import Charter

from . import methods
from .models import Proposal

DEFAULT_DOTS = 8
#: the method settings a proposal's form offers (each only for a method that takes it)
SETTING_FIELDS = ("seats", "dots", "min_choices", "max_choices")


def method_text(text: str) -> str:
    """A method's French label (marked in decisions/methods), in the reader's language."""
    return gettext(text) if text else ""


def method_of(proposal) -> methods.Method:
    return methods.get_method(proposal.method)


def vote_positions(method: methods.Method) -> list[tuple]:
    """What each position means, as a voter chooses it."""
    return [(value, method_text(label)) for value, label, _counted in method.position_labels]


def result_positions(method: methods.Method) -> list[tuple]:
    """What each position means, as a result counts it (keys as the result stores them)."""
    return [(str(value), method_text(counted)) for value, _label, counted in method.position_labels]


def answer_labels(method: methods.Method) -> list[tuple]:
    """The answers of a poll of dates (yes, if need be, no)."""
    return [(value, method_text(label)) for value, label in getattr(method, "answer_labels", ())]


def dots_budget(proposal: Proposal) -> int:
    return int((proposal.method_settings or {}).get("dots") or DEFAULT_DOTS)


def stv_seats(proposal: Proposal) -> int:
    return int((proposal.method_settings or {}).get("seats") or 1)


def method_explanation(proposal: Proposal) -> str:
    """The method in one sentence, shown above the vote form."""
    method = method_of(proposal)
    if "dots" in method.rules:
        return ngettext(
            "Vote par gommettes : répartissez votre gommette entre les options comme vous le voulez.",
            "Vote par gommettes : répartissez vos %(dots)s gommettes entre les options comme vous le voulez; "
            "l'option qui en reçoit le plus l'emporte.",
            dots_budget(proposal),
        ) % {"dots": dots_budget(proposal)}
    if "seats" in method.rules:
        return ngettext(
            "Vote unique transférable : classez les options par ordre de préférence (1 = premier choix); "
            "%(seats)s siège à pourvoir, et les voix en trop ou des options éliminées passent au choix suivant.",
            "Vote unique transférable : classez les options par ordre de préférence (1 = premier choix); "
            "%(seats)s sièges à pourvoir, et les voix en trop ou des options éliminées passent au choix suivant.",
            stv_seats(proposal),
        ) % {"seats": stv_seats(proposal)}
    return method_text(method.summary)


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
    method = forms.ChoiceField(label=_("Méthode de décision"), choices=method_choices)
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

    RULE_FIELDS = ["method", "threshold", "base"]

    def __init__(self, *args, charter: Charter | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.charter = charter
        self.may_override = charter is None or charter.proposals_may_override
        self.charter_method = charter.method if charter else methods.MAJORITY
        if self.may_override:
            self.fields["method"].initial = self.charter_method
            self.fields["threshold"].initial = charter.threshold if charter else Charter.Threshold.SIMPLE
            self.fields["base"].initial = charter.base if charter else Charter.Base.CAST
            if charter is not None and charter.threshold == Charter.Threshold.CUSTOM:
                self.fields["threshold"].choices = Charter.Threshold.choices
        else:
            for name in self.RULE_FIELDS:
                del self.fields[name]
            method = methods.REGISTRY.get(self.charter_method)
            for name in SETTING_FIELDS:
                if method is None or name not in method.rules:
                    del self.fields[name]
            if method is None or not method.needs_options:
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
        needs_options = method in methods.REGISTRY and methods.REGISTRY[method].needs_options
        if needs_options and len(labels) < 2:
            self.add_error("options" if "options" in self.fields else None,
                           _("Cette méthode demande au moins deux options, une par ligne."))
        elif not needs_options and labels:
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
        method = methods.REGISTRY.get(self.chosen_method)
        for name in SETTING_FIELDS:
            if method is not None and name in method.rules and data.get(name) is not None:
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
            if methods.get_method(data["method"]).thresholded:
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
        self.plugin = method_of(proposal)
        self.option_list = list(options)
        build = getattr(self, f"_build_{self.method_family}")
        build(initial_value)
        if self.method_family != "text":
            self.fields["reason"] = forms.CharField(
                label=_("Votre raison") if proposal.reason_required else _("Votre raison (facultatif)"),
                required=proposal.reason_required, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=self._reason_help(),
                initial=initial_reason,
            )

    @property
    def method_family(self) -> str:
        """The form's shape: the method's ballot shape (position, gradient, set, scores, dots, ranking,
        slots or text)."""
        return self.plugin.ballot_shape

    def _reason_help(self) -> str:
        return method_text(self.plugin.reason_help)

    @staticmethod
    def _key(option) -> str:
        return str(option.pk)

    # builders: one per family of methods

    def _build_position(self, initial):
        self.fields["choice"] = forms.ChoiceField(
            label=_("Votre position"), widget=forms.RadioSelect(attrs={"class": "choices"}),
            choices=vote_positions(self.plugin), initial=initial,
        )

    def _build_gradient(self, initial):
        self.fields["choice"] = forms.TypedChoiceField(
            label=_("Votre degré d'accord"), widget=forms.RadioSelect(attrs={"class": "choices"}),
            choices=vote_positions(self.plugin), coerce=int, initial=initial,
        )

    def _build_set(self, initial):
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

    def _build_scores(self, initial):
        initial = initial or {}
        choices = [("", _("Sans note"))] + [(str(n), str(n)) for n in range(6)]
        for option in self.option_list:
            key = self._key(option)
            value = initial.get(key)
            self.fields[f"score_{key}"] = forms.TypedChoiceField(
                label=_("Note de « %(option)s » (0 à 5)") % {"option": option.label}, choices=choices,
                coerce=int, empty_value=None, required=False, initial="" if value is None else str(value),
            )

    def _build_dots(self, initial):
        initial = initial or {}
        budget = dots_budget(self.proposal)
        for option in self.option_list:
            key = self._key(option)
            self.fields[f"dots_{key}"] = forms.IntegerField(
                label=_("Gommettes pour « %(option)s »") % {"option": option.label}, min_value=0,
                max_value=budget, required=False, initial=initial.get(key, 0),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def _build_ranking(self, initial):
        ranks = {str(key): n for n, key in enumerate(initial or [], start=1)}
        count = len(self.option_list)
        choices = [("", _("Non classée"))] + [(str(n), str(n)) for n in range(1, count + 1)]
        for option in self.option_list:
            key = self._key(option)
            self.fields[f"rank_{key}"] = forms.TypedChoiceField(
                label=_("Rang de « %(option)s »") % {"option": option.label}, choices=choices, coerce=int,
                empty_value=None, required=False, initial=str(ranks[key]) if key in ranks else "",
            )

    def _build_slots(self, initial):
        initial = initial or {}
        for option in self.option_list:
            key = self._key(option)
            self.fields[f"slot_{key}"] = forms.ChoiceField(
                label=option.label, choices=answer_labels(self.plugin), required=False, initial=initial.get(key),
                widget=forms.RadioSelect(attrs={"class": "choices"}),
            )

    def _build_text(self, initial):
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
        if family == "ranking":
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
        elif family == "dots":
            budget = dots_budget(self.proposal)
            used = sum(data.get(f"dots_{self._key(option)}") or 0 for option in self.option_list)
            if used > budget:
                raise forms.ValidationError(
                    _("Vous avez placé %(used)s gommettes, pour %(budget)s permises."),
                    code="too_many_dots", params={"used": used, "budget": budget},
                )
            if used == 0:
                raise forms.ValidationError(_("Placez au moins une gommette."), code="empty")
        elif family == "slots":
            if not any(data.get(f"slot_{self._key(option)}") for option in self.option_list):
                raise forms.ValidationError(_("Répondez pour au moins un des moments proposés."), code="empty")
        elif family == "scores":
            if all(data.get(f"score_{self._key(option)}") is None for option in self.option_list):
                raise forms.ValidationError(_("Donnez une note à au moins une option."), code="empty")
        elif family == "set":
            settings = self.proposal.method_settings or {}
            count = len(data.get("approved") or [])
            low, high = settings.get("min_choices"), settings.get("max_choices")
            if low and count < low:
                self.add_error("approved", _("Cochez au moins %(low)s options.") % {"low": low})
            if high and count > high:
                self.add_error("approved", _("Cochez au plus %(high)s options.") % {"high": high})
        needs_reason = getattr(self.plugin, "reason_required", frozenset())
        if data.get("choice") in needs_reason and not (data.get("reason") or "").strip():
            self.add_error("reason", method_text(self.plugin.reason_missing))
        return data

    def ballot_value(self):
        """The value as ballots.ballot_cast expects it (option keys are option ids as text)."""
        data = self.cleaned_data
        family = self.method_family
        if family in {"position", "gradient"}:
            return data["choice"]
        if family == "set":
            return list(data.get("approved") or [])
        if family == "scores":
            return {self._key(o): data[f"score_{self._key(o)}"] for o in self.option_list
                    if data.get(f"score_{self._key(o)}") is not None}
        if family == "dots":
            return {self._key(o): data[f"dots_{self._key(o)}"] for o in self.option_list
                    if data.get(f"dots_{self._key(o)}")}
        if family == "ranking":
            ranked = sorted((data[f"rank_{self._key(o)}"], self._key(o)) for o in self.option_list
                            if data.get(f"rank_{self._key(o)}") is not None)
            return [key for _rank, key in ranked]
        if family == "slots":
            return {self._key(o): data[f"slot_{self._key(o)}"] for o in self.option_list
                    if data.get(f"slot_{self._key(o)}")}
        return data["advice"].strip()

    def ballot_reason(self) -> str:
        return (self.cleaned_data.get("reason") or "").strip()


def describe_ballot(proposal: Proposal, value, options) -> str:
    """The voter's current choice in words (« Pour », « 1. Parc, 2. Piscine »…)."""
    labels = {str(option.pk): option.label for option in options}
    method = method_of(proposal)
    shape = method.ballot_shape
    if shape in {"position", "gradient"}:
        return str(dict(vote_positions(method)).get(value, value))
    if shape == "set":
        return ", ".join(labels.get(str(key), str(key)) for key in value or []) or str(_("Aucune option"))
    if shape in {"scores", "dots"}:
        return ", ".join(f"{labels.get(str(key), key)} : {amount}" for key, amount in (value or {}).items())
    if shape == "ranking":
        return ", ".join(f"{n}. {labels.get(str(key), key)}" for n, key in enumerate(value or [], start=1))
    if shape == "slots":
        answers = dict(answer_labels(method))
        return ", ".join(f"{labels.get(str(key), key)} : {answers.get(answer, answer)}"
                         for key, answer in (value or {}).items())
    return str(value)


# Other forms of the proposal page ------------------------------------------------------------

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
