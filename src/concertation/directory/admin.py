from django.contrib import admin

from .models import Affiliation, College, Organization, Sector, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "territory"]
    list_filter = ["territory"]
    search_fields = ["name"]


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "territory"]
    list_filter = ["territory", "kind"]
    search_fields = ["name", "slug"]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "sector", "college", "territory", "active"]
    list_filter = ["territory", "active", "college", "sector"]
    search_fields = ["name", "acronym", "contact_name", "contact_email"]
    list_select_related = ["sector", "college", "territory"]
    inlines = [AffiliationInline]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "title", "start", "end"]
    list_filter = ["organization__territory"]
    search_fields = ["person__email", "person__display_name", "organization__name"]
    autocomplete_fields = ["person", "organization"]
