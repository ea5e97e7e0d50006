"""The one e-mail layer: every e-mail of the product is rendered here, in the recipient's language,
as HTML and plain text from one base template pair (notifications/email/base.html and base.txt),
with the one-click unsubscribe headers of RFC 8058 when its category is optional."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.mime.base import MIMEBase
from email.mime.text import MIMEText

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import registry
from .unsubscribe import unsubscribe_url
from .urls_absolute import absolute, base_url


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def one_line(text: str) -> str:
    # One line (a header); str.split() would also eat the non-breaking spaces of « guillemets ».
    return " ".join(text.splitlines()).strip()


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template (a subject, a line) rendered without HTML escaping: what it holds is
    escaped once, by the HTML that shows it (the e-mail's HTML part, the centre)."""
    from django.template import Context, engines

    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def site_name() -> str:
    return getattr(settings, "SITE_NAME", "") or "Concertation"


def language_of(to, language: str | None = None) -> str:
    if language:
        return language
    return getattr(to, "preferred_language", "") or settings.LANGUAGE_CODE


def _mime_part(attachment: Attachment):
    """A calendar travels as text/calendar with its METHOD (so mail clients offer to answer it)."""
    main, _, params = attachment.mimetype.partition(";")
    main = main.strip()
    if main.startswith("text/"):
        part = MIMEText(attachment.content.decode("utf-8"), main.split("/", 1)[1], "utf-8")
    else:
        part = MIMEBase(*main.split("/", 1))
        part.set_payload(attachment.content)
        from email import encoders

        encoders.encode_base64(part)
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name and value:
            part.set_param(name.strip(), value.strip())
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def email_context(*, person, language: str, category: str | None, context: dict) -> dict:
    cat = registry.unsubscribable(category) or registry.find_category(category)
    unsubscribe = unsubscribe_url(person, category) if person is not None and cat and cat.optional else ""
    preferences = absolute(reverse("notifications:preferences")) if person is not None else ""
    full = {
        "site_name": site_name(),
        "site_url": base_url(),
        "person": person,
        "user": person,  # the reader, for the names the templates show (accounts/privacy.py)
        "language": language,
        "category": cat,
        "unsubscribe_url": unsubscribe,
        "preferences_url": preferences,
    }
    full.update(context)
    full["link"] = absolute(full.get("link") or "")
    return full


def build_email(*, to, template: str, context: dict, language: str | None = None, category: str | None = None,
                attachments: Iterable[Attachment] = (), reply_to=None) -> EmailMultiAlternatives:
    """The e-mail ``send_email`` sends, not sent (tests and callers that batch on one connection)."""
    person = to if isinstance(to, get_user_model()) else None
    address = person.email if person is not None else str(to)
    language = language_of(to, language)
    with translation.override(language):
        full = email_context(person=person, language=language, category=category, context=context)
        subject = one_line(render_text(f"{template}_subject.txt", full))
        text = render_text(f"{template}.txt", full)
        html = render_to_string(f"{template}.html", full)
    if isinstance(reply_to, str):
        reply_to = [reply_to]
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address], reply_to=reply_to)
    message.attach_alternative(html, "text/html")
    message.extra_headers["Content-Language"] = language
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    if full["unsubscribe_url"]:
        message.extra_headers["List-Unsubscribe"] = f"<{full['unsubscribe_url']}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    for attachment in attachments or ():
        message.attach(_mime_part(attachment))
    return message


def send_email(*, to, template: str, context: dict, language: str | None = None, category: str | None = None,
               attachments: Iterable[Attachment] = (), reply_to=None, connection=None) -> None:
    """One e-mail now, through the base template, in ``language`` (or the person's)."""
    message = build_email(to=to, template=template, context=context, language=language, category=category,
                          attachments=attachments, reply_to=reply_to)
    if connection is not None:
        message.connection = connection
    message.send()
