"""The federation operator's pages for the national rota (issue 20), under /federation/national/."""

from django.urls import path

from .views import national_operator as views

app_name = "national"
urlpatterns = [
    path("", views.national_lines, name="lines"),
    path("settings/", views.national_settings, name="settings"),
    path("<int:pk>/", views.national_line, name="line"),
    path("<int:pk>/invite/", views.national_line_invite, name="invite"),
    path("<int:pk>/gaps/", views.national_gaps, name="gaps"),
    path("<int:line_pk>/patterns/new/", views.national_pattern_edit, name="pattern_create"),
    path("patterns/<int:pk>/", views.national_pattern_edit, name="pattern_edit"),
    path("patterns/<int:pk>/generate/", views.national_pattern_generate, name="pattern_generate"),
]
