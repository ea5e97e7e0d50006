from __future__ import annotations


class DomainError(Exception):
    """A business rule refused an action. The message is translated and shown to the person.

    ``field`` names the form field concerned, when there is one, so views can show the message
    next to it.
    """

    def __init__(self, message, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self):
        return str(self.message)


def add_domain_error(form, error: DomainError) -> None:
    """Show a refused action on the form it came from, next to the field concerned."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(error.message))
