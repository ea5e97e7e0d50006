"""What operators need to see: e-mails that failed (attempts, last error, next attempt) and the
digest runs. Read-only: sending is the worker's business."""

from django.contrib import admin

from .models import Delivery, DigestDelivery, DigestRun


class ReadOnly(admin.ModelAdmin):
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["notification_id", "claimed_at", "sent_at", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["sent_at", "attempts"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnly):
    list_display = ["person_id", "period", "period_key", "count", "sent_at", "attempts", "next_attempt_at",
                    "last_error"]
    list_filter = ["period", "period_key"]


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnly):
    list_display = ["kind", "period_key", "until", "finished_at", "sent"]
    list_filter = ["kind"]
