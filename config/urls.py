from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from members import views as member_views
from notices import views as notice_views

# The Django admin is for the federation's operators; allauth's login (with its second factor) guards it.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Jourplan"

# Language comes from the session/cookie (set_language), not from the URL: shelter URLs stay short and a
# link in a mail works in either language.
urlpatterns = [
    path("", member_views.home, name="home"),
    path("healthz", notice_views.healthz, name="healthz"),
    path("invitations/<int:pk>/", member_views.invitation_answer, name="invitation_answer"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("federation/", include("members.federation_urls")),
    path("admin/", admin.site.urls),
    path("<slug:shelter>/", include("members.urls")),
    path("<slug:shelter>/", include("trainings.urls")),
    path("<slug:shelter>/", include("shifts.urls")),
]
