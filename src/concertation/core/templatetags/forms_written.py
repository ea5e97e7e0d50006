"""``{{ form|written_form }}``: core/forms/form.html written in Python (core/form_html.py)."""

from django import template

from concertation.core.form_html import form_html

register = template.Library()


@register.filter
def written_form(form):
    return form_html(form)
