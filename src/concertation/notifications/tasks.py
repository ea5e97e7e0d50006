"""Background work of notifications (django-tasks, queue « email»; the worker is `concertation worker`)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def deliver_notifications(notification_ids: list[int]) -> str:
    """E-mail the notifications their recipients want at once (each once: see delivery.py)."""
    from .delivery import deliver

    return f"sent:{deliver(notification_ids)}"


@task(queue_name="email")
def send_account_email(address: str, language: str, subject: str, body: str, html_body: str = "") -> str:
    """An account e-mail of allauth (confirmation, password reset…) through the base template."""
    from .email import send_email

    send_email(to=address, template="notifications/email/account", language=language, category="account",
               context={"subject": subject, "message": body, "message_html": html_body})
    return "sent"
