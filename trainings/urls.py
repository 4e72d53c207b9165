from django.urls import path

from .views import MEETINGS, matrix, meetings, portal, records, sessions

app_name = "trainings"
# Meetings (supervision, member meetings, annual meetings) use the trainings' views with the MEETINGS catalogue.
meetings_ = {"catalogue": MEETINGS}
urlpatterns = [
    path("trainings/", portal.mine, name="mine"),
    path("trainings/sessions/<int:pk>/join/", portal.session_join, name="session_join"),
    path("trainings/sessions/<int:pk>/leave/", portal.session_leave, name="session_leave"),
    path("trainings/sessions/", sessions.sessions, name="sessions"),
    path("trainings/sessions/<int:pk>/attendance/", sessions.attendance, name="attendance"),
    path("trainings/courses/new/", sessions.course_edit, name="course_create"),
    path("trainings/courses/<int:pk>/", sessions.course_edit, name="course_edit"),
    path("trainings/matrix/", matrix.matrix, name="matrix"),
    path("trainings/matrix.csv", matrix.matrix_csv, name="matrix_csv"),
    path("trainings/member/<int:member_pk>/", records.member_records, name="member_records"),
    path("trainings/records/<int:pk>/", records.record_edit, name="record_edit"),
    path("trainings/records/<int:pk>/remove/", records.record_remove, name="record_remove"),
    path("trainings/import/", records.records_import_page, name="import"),
    path("meetings/", portal.meetings_mine, name="meetings_mine"),
    path("meetings/sessions/<int:pk>/join/", portal.session_join, meetings_, name="meeting_join"),
    path("meetings/sessions/<int:pk>/leave/", portal.session_leave, meetings_, name="meeting_leave"),
    path("meetings/sessions/", sessions.sessions, meetings_, name="meeting_sessions"),
    path("meetings/sessions/<int:pk>/attendance/", sessions.attendance, meetings_, name="meeting_attendance"),
    path("meetings/sessions/<int:pk>/voting/", meetings.voting, name="voting_list"),
    path("meetings/kinds/new/", sessions.course_edit, meetings_, name="meeting_kind_create"),
    path("meetings/kinds/<int:pk>/", sessions.course_edit, meetings_, name="meeting_kind_edit"),
    path("meetings/behind/", meetings.behind, name="meetings_behind"),
]
