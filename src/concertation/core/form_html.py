"""A form as core/forms/form.html and core/forms/field.html write it, written in Python: for pages with
many fields (the live page of a meeting has thirteen), each field through the templates costs an
include and some twenty lookups. A form with a group of choices (a fieldset) or a checkbox goes to
the templates, which remain the one home of this HTML: tests/core/test_form_html.py renders forms of
every kind, bound and refused, through both and compares them.

In a template: ``{% load forms_written %}{{ form|written_form }}`` where it would
``{% include "core/forms/form.html" %}``.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

REQUIRED = ' <span class="required" aria-hidden="true">*</span>'


def _field(field) -> str:
    """field.html for a field that is neither a fieldset nor a checkbox."""
    errors = field.errors
    auto_id = conditional_escape(field.auto_id)
    help_text = field.help_text
    helped = f'<p class="help" id="{auto_id}_helptext">{conditional_escape(help_text)}</p>' if help_text else ""
    errored = "".join([f'<p class="error-text" id="{auto_id}_error">{conditional_escape(error)}</p>'
                       for error in errors])
    return (f'\n\n<div class="field{" field-error" if errors else ""}">\n  \n'
            f'    <label for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)}'
            f'{REQUIRED if field.field.required else ""}</label>\n    {field}\n  \n  {helped}\n  {errored}\n</div>\n\n')


def _written(field) -> bool:
    return not field.use_fieldset and getattr(field.field.widget, "input_type", None) != "checkbox"


def form_html(form) -> str:
    """core/forms/form.html for ``form``, in Python when each of its visible fields can be."""
    visible = form.visible_fields()
    if not all(_written(field) for field in visible):
        return render_to_string("core/forms/form.html", {"form": form})
    parts = []
    errors = form.non_field_errors()
    if errors:
        parts.append('\n  <div class="form-errors" role="alert">\n    '
                     + "".join([f"<p>{conditional_escape(error)}</p>" for error in errors]) + "\n  </div>\n")
    parts.append("\n")
    parts.extend(str(field) for field in form.hidden_fields())
    parts.append("\n")
    parts.extend(_field(field) for field in visible)
    parts.append("\n")
    return mark_safe("".join(parts))
