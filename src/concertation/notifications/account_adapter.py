"""allauth's adapter for the whole product (settings ACCOUNT_ADAPTER): the accounts app's, plus the
account e-mails through the one e-mail layer. It lives here because notifications sits above
accounts: accounts never imports notifications."""

from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from concertation.accounts.adapter import AccountAdapter as BaseAccountAdapter

from .email import send_email


class AccountAdapter(BaseAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account e-mails (address confirmation, password reset…) keep allauth's wording
        (locale_allauth) but go out through the product's base template, in the person's language.
        They are sent now, not by the worker: the person waits for them on the page, and a link that
        signs in or resets a password is not left in the task queue's table."""
        request = allauth_context.request
        full = {"request": request, "email": email, "current_site": get_current_site(request)}
        full.update(context)
        person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        language = person.preferred_language if person is not None else translation.get_language()
        with translation.override(language):
            rendered = self.render_mail(template_prefix, email, full)
        html = next((content for content, mimetype in getattr(rendered, "alternatives", [])
                     if mimetype == "text/html"), "")
        send_email(to=person if person is not None else email, template="notifications/email/account",
                   language=language, category="account",
                   context={"subject": rendered.subject, "message": rendered.body, "message_html": html})
