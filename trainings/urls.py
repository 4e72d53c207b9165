from django.urls import path

from .views import matrix, portal, records, sessions

app_name = "trainings"
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
]
