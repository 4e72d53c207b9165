from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from announcements.views import portal as announcement_portal
from core import pwa
from members.views import accounts as member_accounts
from notices import views as notice_views
from shifts.views import callouts as shift_callouts

# The Django admin is for the federation's operators; allauth's login (with its second factor) guards it.
admin.autodiscover()
# allauth's documented way to guard the admin login: replacing the site's bound method, which the stubs
# (rightly, for a method) do not expect to be assigned.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Jourplan"

# Language comes from the session/cookie (set_language), not from the URL: shelter URLs stay short and a
# link in a mail works in either language.
urlpatterns = [
    path("", member_accounts.home, name="home"),
    path("healthz", notice_views.healthz, name="healthz"),
    path("invitations/<int:pk>/", member_accounts.invitation_answer, name="invitation_answer"),
    path("answer/<str:token>/", shift_callouts.callout_answer_view, name="callout_answer"),
    path("messages/<int:pk>/", announcement_portal.open_link, name="announcement_open"),
    path("notices/sms/delivered/<str:token>/", notice_views.sms_delivered, name="sms_delivery_report"),
    path("i18n/setlang/", set_language, name="set_language"),
    # The installable portal (core/pwa.py): at the root, so the service worker's scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("offline/", pwa.offline, name="pwa_offline"),
    path("accounts/", include("allauth.urls")),
    path("federation/national/", include("shifts.national_urls")),
    path("federation/", include("members.federation_urls")),
    path("federation/figures/", include("reports.federation_urls")),
    path("admin/", admin.site.urls),
    path("<slug:organisation>/", include("members.urls")),
    path("<slug:organisation>/", include("trainings.urls")),
    path("<slug:organisation>/", include("shifts.urls")),
    path("<slug:organisation>/", include("announcements.urls")),
    path("<slug:organisation>/", include("memberpath.urls")),
    path("<slug:organisation>/", include("timelog.urls")),
    path("<slug:organisation>/", include("reports.urls")),
]

# Error pages in her language that render with the database down (no base.html, no user, no query).
handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
