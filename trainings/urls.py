from django.urls import path

from .views import matrix, portal, records, sessions

app_name = "trainings"
urlpatterns = [
    path("utbildningar/", portal.mine, name="mine"),
    path("utbildningar/tillfallen/<int:pk>/anmal/", portal.session_join, name="session_join"),
    path("utbildningar/tillfallen/<int:pk>/avanmal/", portal.session_leave, name="session_leave"),
    path("utbildningar/tillfallen/", sessions.sessions, name="sessions"),
    path("utbildningar/tillfallen/<int:pk>/narvaro/", sessions.attendance, name="attendance"),
    path("utbildningar/kurser/ny/", sessions.course_edit, name="course_create"),
    path("utbildningar/kurser/<int:pk>/", sessions.course_edit, name="course_edit"),
    path("utbildningar/matris/", matrix.matrix, name="matrix"),
    path("utbildningar/matris.csv", matrix.matrix_csv, name="matrix_csv"),
    path("utbildningar/medlem/<int:member_pk>/", records.member_records, name="member_records"),
    path("utbildningar/intyg/<int:pk>/", records.record_edit, name="record_edit"),
    path("utbildningar/intyg/<int:pk>/ta-bort/", records.record_remove, name="record_remove"),
    path("utbildningar/import/", records.records_import_page, name="import"),
]
