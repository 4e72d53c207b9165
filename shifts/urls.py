from django.urls import path

from .views import availability, callouts, experience, feeds, lines, national, portal, rota, shift, stats

app_name = "shifts"
urlpatterns: list = [
    path("calendar/", feeds.calendar_settings, name="calendar"),
    path("calendar/new/", feeds.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", feeds.calendar_revoke, name="calendar_revoke"),
    path("calendar/feed/<str:token>.ics", feeds.calendar_feed, name="calendar_feed"),
    path("statistics/", stats.statistics_page, name="statistics"),
    path("statistics/shifts.csv", stats.statistics_csv, name="statistics_csv"),
]

# Coordinator pages of the rota (shifts/views/rota.py, shift.py, lines.py).

urlpatterns += [
    path("rota/", rota.rota_month, name="rota_month"),
    path("rota/week/", rota.rota_week, name="rota_week"),
    path("rota/day/", rota.rota_day, name="rota_day"),
    path("rota/gaps/", rota.rota_gaps, name="rota_gaps"),
    path("rota/publish/", rota.rota_publish_view, name="rota_publish"),
    path("rota/shifts/new/", lines.shift_create, name="shift_create"),
    path("rota/shifts/<int:pk>/", shift.rota_shift, name="rota_shift"),
    path("rota/shifts/<int:pk>/assign/", shift.rota_assign, name="rota_assign"),
    path("rota/shifts/<int:pk>/cancel/", shift.rota_cancel, name="rota_cancel"),
    path("rota/shifts/<int:pk>/change/", shift.shift_edit, name="shift_edit"),
    path("rota/assignments/<int:pk>/remove/", shift.rota_remove, name="rota_remove"),
    path("rota/lines/", lines.line_list, name="line_list"),
    path("rota/lines/new/", lines.line_edit, name="line_create"),
    path("rota/lines/<int:pk>/", lines.line_edit, name="line_edit"),
    path("rota/lines/<int:line_pk>/patterns/new/", lines.pattern_edit, name="pattern_create"),
    path("rota/patterns/<int:pk>/", lines.pattern_edit, name="pattern_edit"),
    path("rota/patterns/<int:pk>/generate/", lines.pattern_generate, name="pattern_generate"),
]

# The volunteer portal (shifts/views/portal.py).

urlpatterns += [
    path("shifts/", portal.portal_mine, name="portal_mine"),
    path("shifts/open/", portal.portal_open, name="portal_open"),
    path("shifts/<int:pk>/take/", portal.portal_take, name="portal_take"),
    path("shifts/<int:pk>/queue/", portal.portal_queue, name="portal_queue"),
    path("shifts/waiting/<int:pk>/leave/", portal.portal_leave, name="portal_leave"),
    path("shifts/assignments/<int:pk>/release/", portal.portal_release, name="portal_release"),
    path("shifts/assignments/<int:pk>/offer/", portal.portal_offer, name="portal_offer"),
    path("shifts/offers/<int:pk>/take/", portal.portal_offer_take, name="portal_offer_take"),
]
urlpatterns += [path("shifts/next/", portal.portal_next, name="portal_next")]
urlpatterns += [
    path("shifts/<int:pk>/shadow/", portal.portal_shadow, name="portal_shadow"),
    path("shifts/offers/<int:pk>/withdraw/", portal.portal_offer_withdraw, name="portal_offer_withdraw"),
]

# Her absences and wishes, a coordinator's view of a member's, the shelter's workload rules (views/availability.py).

urlpatterns += [
    path("availability/", availability.my_availability, name="availability"),
    path("availability/absences/new/", availability.my_absence_add, name="availability_absence_add"),
    path("availability/absences/<int:pk>/remove/", availability.my_absence_remove, name="availability_absence_remove"),
    path("availability/wishes/", availability.my_wishes, name="availability_wishes"),
    path("rota/members/<int:pk>/availability/", availability.member_availability, name="member_availability"),
    path("rota/members/<int:pk>/absences/new/", availability.member_absence_add, name="member_absence_add"),
    path("rota/absences/<int:pk>/remove/", availability.member_absence_remove, name="member_absence_remove"),
    path("rota/workload/", availability.workload_rules, name="workload_rules"),
]

# A coordinator's page of a member's prior experience (views/experience.py, issue 19).

urlpatterns += [path("rota/members/<int:pk>/experience/", experience.member_experience, name="member_experience")]

# Call-outs from the shift page (views/callouts.py); her answer link is in config/urls.py, outside any shelter.

urlpatterns += [
    path("rota/shifts/<int:pk>/callout/", callouts.callout_send_view, name="callout_send"),
    path("rota/callouts/<int:pk>/close/", callouts.callout_close_view, name="callout_close"),
]

# A shelter coordinator's pages of the national rota (views/national.py, issue 20).

urlpatterns += [
    path("rota/national/", national.national_list, name="national_list"),
    path("rota/national/<int:pk>/", national.national_line, name="national_line"),
    path("rota/national/<int:pk>/accept/", national.national_accept, name="national_accept"),
    path("rota/national/<int:pk>/leave/", national.national_leave, name="national_leave"),
    path("rota/national/<int:pk>/volunteers/", national.national_volunteers, name="national_volunteers"),
    path("rota/national/<int:pk>/trainings/", national.national_courses, name="national_courses"),
    path("rota/national/places/<int:pk>/remove/", national.national_remove, name="national_remove"),
]
