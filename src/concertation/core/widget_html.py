"""A form renderer that writes the simplest widgets in Python: text, number and date fields and text
areas, as Django's templates write them (django/forms/widgets/input.html with attrs.html, text.html,
number.html, date.html, textarea.html), at a fraction of their cost — each field through those
templates is three template renders (~0.2 ms), and the live page of a meeting has thirteen fields.
Every other template goes to Django's renderer.

One home for this HTML: Django's templates. tests/core/test_widget_html.py renders the same widgets,
values and attributes (hostile ones too) through both and compares them.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


def _formatted(value) -> str:
    """« {{ value|stringformat:'s' }} »: the text of the value, escaped unless it is already safe."""
    text = str(value)  # what the filter's « "%s" % value » gives (a tuple made a string first)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """attrs.html: `` name="value"`` for each attribute, `` name`` alone for True, nothing for False."""
    return "".join([f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_formatted(value)}"'
                    for name, value in attrs.items() if value is not False])


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f'{shown}{_attrs(widget["attrs"])}>\n')


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{conditional_escape(value) if value else ""}</textarea>\n')


# Each template written here; text.html, number.html and date.html are input.html and a line break.
WRITERS = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/text.html": lambda widget: _input(widget) + "\n",
    "django/forms/widgets/number.html": lambda widget: _input(widget) + "\n",
    "django/forms/widgets/date.html": lambda widget: _input(widget) + "\n",
    "django/forms/widgets/textarea.html": _textarea,
}


class WrittenWidgets(DjangoTemplates):
    """Django's renderer, but the widgets of ``WRITERS`` are written in Python (forms set it as their
    ``default_renderer``)."""

    def render(self, template_name, context, request=None):
        writer = WRITERS.get(template_name)
        if writer is None or request is not None or set(context) != {"widget"}:
            return super().render(template_name, context, request=request)
        return mark_safe(writer(context["widget"]).strip())  # as Django's renderer strips a template's text


written_widgets = WrittenWidgets()
