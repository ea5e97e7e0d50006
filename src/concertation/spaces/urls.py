from django.urls import include, path

from .views import announcements as views_announcements
from .views import audit as views_audit
from .views import rotation as views_rotation
from .views import structure as views

app_name = "spaces"

space_patterns = [
    path("", views.space_detail, name="space"),
    path("modifier/", views.space_edit, name="space_edit"),
    path("membres/", views.members, name="members"),
    path("membres/ajouter/", views.member_add, name="member_add"),
    path("membres/<int:pk>/", views.member_edit, name="member_edit"),
    path("membres/<int:pk>/terminer/", views.member_end, name="member_end"),
    path("roles/", views.roles, name="roles"),
    path("roles/rotation/", views_rotation.role_rotation, name="role_rotation"),
    path("roles/nouveau/", views.role_edit, name="role_add"),
    path("roles/<int:pk>/modifier/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/attribuer/", views.role_assign, name="role_assign"),
    path("attributions/<int:pk>/terminer/", views.assignment_end, name="assignment_end"),
    path("charte/", views.charter, name="charter"),
    path("charte/modifier/", views.charter_edit, name="charter_edit"),
    path("charte/v<int:version>/", views.charter_version, name="charter_version"),
    path("annonces/", views_announcements.announcements, name="announcements"),
    path("invitations/", include("concertation.spaces.urls_invitations_space")),
]

territory_patterns = [
    path("", views.territory_overview, name="territory"),
    path("espaces/nouveau/", views.space_add, name="space_add"),
    path("organismes/", views.organizations, name="organizations"),
    path("organismes/nouveau/", views.organization_edit, name="organization_add"),
    path("organismes/<int:pk>/", views.organization_edit, name="organization_edit"),
    path("importer/", include("concertation.spaces.urls_import")),
    path("journal/", views_audit.audit_log, name="audit_log"),
    path("e/<slug:space>/", include(space_patterns)),
]

urlpatterns = [
    path("territoires/", views.territories, name="territories"),
    path("t/<slug:territory>/", include(territory_patterns)),
    path("invitation/", include("concertation.spaces.urls_invitations_public")),
]
