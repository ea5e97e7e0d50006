from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The whole audit log, read-only: nobody adds, changes or deletes an event here."""

    list_display = ["created_at", "action", "actor", "target_label", "target_type", "territory_id"]
    list_filter = ["action", "created_at"]
    search_fields = ["target_label", "actor__email", "actor__display_name"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
