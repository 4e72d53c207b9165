from django.urls import path

from . import views

app_name = "trainings"
urlpatterns = [
    path("utbildningar/", views.mine, name="mine"),
    path("utbildningar/tillfallen/<int:pk>/anmal/", views.session_join, name="session_join"),
    path("utbildningar/tillfallen/<int:pk>/avanmal/", views.session_leave, name="session_leave"),
    path("utbildningar/tillfallen/", views.sessions, name="sessions"),
    path("utbildningar/tillfallen/<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("utbildningar/kurser/ny/", views.course_edit, name="course_create"),
    path("utbildningar/kurser/<int:pk>/", views.course_edit, name="course_edit"),
    path("utbildningar/matris/", views.matrix, name="matrix"),
    path("utbildningar/matris.csv", views.matrix_csv, name="matrix_csv"),
    path("utbildningar/medlem/<int:member_pk>/", views.member_records, name="member_records"),
    path("utbildningar/intyg/<int:pk>/", views.record_edit, name="record_edit"),
    path("utbildningar/intyg/<int:pk>/ta-bort/", views.record_remove, name="record_remove"),
    path("utbildningar/import/", views.records_import_page, name="import"),
]
