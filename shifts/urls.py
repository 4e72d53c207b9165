from django.urls import path

from . import change_views, feed_views, portal_views, rota_views, stats_views

app_name = "shifts"
urlpatterns: list = [
    path("calendar/", feed_views.calendar_settings, name="calendar"),
    path("calendar/new/", feed_views.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", feed_views.calendar_revoke, name="calendar_revoke"),
    path("calendar/feed/<str:token>.ics", feed_views.calendar_feed, name="calendar_feed"),
    path("statistics/", stats_views.statistics_page, name="statistics"),
    path("statistics/shifts.csv", stats_views.statistics_csv, name="statistics_csv"),
]

# Coordinator pages of the rota (shifts/rota_views.py).

urlpatterns += [
    path("rota/", rota_views.rota_month, name="rota_month"),
    path("rota/week/", rota_views.rota_week, name="rota_week"),
    path("rota/gaps/", rota_views.rota_gaps, name="rota_gaps"),
    path("rota/publish/", rota_views.rota_publish_view, name="rota_publish"),
    path("rota/shifts/new/", rota_views.shift_create, name="shift_create"),
    path("rota/shifts/<int:pk>/", rota_views.rota_shift, name="rota_shift"),
    path("rota/shifts/<int:pk>/assign/", rota_views.rota_assign, name="rota_assign"),
    path("rota/shifts/<int:pk>/cancel/", rota_views.rota_cancel, name="rota_cancel"),
    path("rota/shifts/<int:pk>/change/", change_views.shift_edit, name="shift_edit"),
    path("rota/assignments/<int:pk>/remove/", rota_views.rota_remove, name="rota_remove"),
    path("rota/lines/", rota_views.line_list, name="line_list"),
    path("rota/lines/new/", rota_views.line_edit, name="line_create"),
    path("rota/lines/<int:pk>/", rota_views.line_edit, name="line_edit"),
    path("rota/lines/<int:line_pk>/patterns/new/", rota_views.pattern_edit, name="pattern_create"),
    path("rota/patterns/<int:pk>/", rota_views.pattern_edit, name="pattern_edit"),
    path("rota/patterns/<int:pk>/generate/", rota_views.pattern_generate, name="pattern_generate"),
]

# The volunteer portal (shifts/portal_views.py).

urlpatterns += [
    path("pass/", portal_views.portal_mine, name="portal_mine"),
    path("pass/open/", portal_views.portal_open, name="portal_open"),
    path("pass/shifts/<int:pk>/take/", portal_views.portal_take, name="portal_take"),
    path("pass/shifts/<int:pk>/queue/", portal_views.portal_queue, name="portal_queue"),
    path("pass/waiting/<int:pk>/leave/", portal_views.portal_leave, name="portal_leave"),
    path("pass/assignments/<int:pk>/release/", portal_views.portal_release, name="portal_release"),
    path("pass/assignments/<int:pk>/offer/", portal_views.portal_offer, name="portal_offer"),
    path("pass/offers/<int:pk>/take/", portal_views.portal_offer_take, name="portal_offer_take"),
]
urlpatterns += [path("pass/next/", portal_views.portal_next, name="portal_next")]
urlpatterns += [
    path("pass/shifts/<int:pk>/shadow/", portal_views.portal_shadow, name="portal_shadow"),
    path("pass/offers/<int:pk>/withdraw/", portal_views.portal_offer_withdraw, name="portal_offer_withdraw"),
]
