"""Background work of notifications (django-tasks, queue « email»; the worker is `concertation worker`)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def deliver_notifications(notification_ids: list[int]) -> str:
    """E-mail the notifications their recipients want at once (each once: see delivery.py)."""
    from .delivery import deliver

    return f"sent:{deliver(notification_ids)}"
