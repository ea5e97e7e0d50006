from django.contrib import admin
from django.urls import include, path

from concertation.accounts import views as account_views
from concertation.api.urls import api_urlpatterns
from concertation.core import views as core_views
from concertation.home.views import home

# The admin signs in through the site's sign-in: same rate limits, same second factor (issue 12).
admin.site.login = account_views.admin_login

urlpatterns = [
    path("", home, name="home"),
    path("", include("concertation.core.urls")),
    path("", include("concertation.spaces.urls")),
    path("t/<slug:territory>/e/<slug:space>/propositions/", include("concertation.decisions.urls")),
    path("t/<slug:territory>/e/<slug:space>/rencontres/", include("concertation.meetings.urls")),
    path("t/<slug:territory>/e/<slug:space>/plan/", include("concertation.planning.urls")),
    path("t/<slug:territory>/e/<slug:space>/autoevaluation/", include("concertation.insights.assessments.urls")),
    path("t/<slug:territory>/e/<slug:space>/documents/", include("concertation.knowledge.urls_documents")),
    path("t/<slug:territory>/documents/", include("concertation.knowledge.urls_documents_territory")),
    path("t/<slug:territory>/portrait/", include("concertation.knowledge.urls_portrait")),
    path("t/<slug:territory>/fiches/", include("concertation.knowledge.urls_practices")),
    path("t/<slug:territory>/reperes/", include("concertation.knowledge.urls_references")),
    path("t/<slug:territory>/discussions/", include("concertation.knowledge.urls_discussions")),
    path("t/<slug:territory>/recherche/", include("concertation.search.urls")),
    path("moi/", include(("concertation.meetings.urls_personal", "my_meetings"))),
    path("moi/", include(("concertation.meetings.urls_my_followups", "my"))),
    path("moi/notifications/", include("concertation.notifications.urls")),
    path("moi/", include("concertation.home.urls")),
    path("moi/", include("concertation.api.urls_tokens")),
    path("api/", include(api_urlpatterns)),
    path("t/<slug:territory>/decisions/", include(("concertation.decisions.urls_register", "register"))),
    path("public/<slug:territory>/", include("concertation.public.urls")),
    path("public/<slug:territory>/donnees/", include("concertation.public.urls_opendata")),
    path("t/<slug:territory>/pages-publiques/", include("concertation.public.urls_settings")),
    path("", include("concertation.insights.urls_health")),
    path("healthz", core_views.healthz, name="healthz"),
    path("langue/", account_views.set_language, name="set_language"),
    path("compte/profil/", account_views.profile, name="profile"),
    path("compte/effacer/", account_views.erase_account, name="account_erase"),
    path("compte/mes-donnees/", account_views.personal_data_download, name="personal_data"),
    path("confidentialite/", account_views.privacy, name="privacy"),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "concertation.core.views.error_400"
handler403 = "concertation.core.views.error_403"
handler404 = "concertation.core.views.error_404"
handler500 = "concertation.core.views.error_500"
