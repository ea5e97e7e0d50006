from django.contrib import admin

from .models import Charter, Delegation, Invitation, Membership, Role, RoleAssignment, Space


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "parent", "visibility", "status"]
    list_filter = ["territory", "kind", "visibility", "status"]
    search_fields = ["name", "slug", "mandate"]
    list_select_related = ["territory", "parent"]
    prepopulated_fields = {"slug": ["name"]}


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member_name", "space", "category", "start", "end"]
    list_filter = ["space__territory", "space", "category"]
    search_fields = ["organization__name", "person__email", "person__display_name"]
    list_select_related = ["space", "organization", "person"]
    autocomplete_fields = ["organization", "person"]
    inlines = [DelegationInline]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "membership", "start", "end"]
    list_filter = ["kind", "membership__space__territory"]
    search_fields = ["person__email", "person__display_name", "membership__organization__name"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["membership"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["person", "organization"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "space", "seats", "term_months"]
    list_filter = ["kind", "space__territory"]
    search_fields = ["name", "space__name"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["role", "person", "organization", "start", "end", "ended_on", "end_reason"]
    list_filter = ["role__kind", "role__space__territory", "end_reason"]
    search_fields = ["person__email", "person__display_name", "organization__name", "role__name"]
    autocomplete_fields = ["person", "organization"]


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    list_display = ["space", "version", "in_force", "method", "fallback_method", "voting_unit", "adopted_on"]
    list_filter = ["in_force", "method", "voting_unit", "space__territory"]
    search_fields = ["space__name", "rules_text", "adoption_note"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "space", "invited_as", "organization", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["invited_as", "space__territory"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["token"]
