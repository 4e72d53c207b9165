from django.urls import path

from . import audit_views, import_views, notice_views, register_views, views

app_name = "members"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("invite/", views.invite, name="invite"),
    # The member register (coordinators).
    path("members/", register_views.member_list, name="member_list"),
    path("members/<int:pk>/", register_views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", register_views.member_edit, name="member_edit"),
    path("members/<int:pk>/invite/", register_views.member_invite_existing, name="member_invite_existing"),
    path("members/<int:pk>/leave/", register_views.member_leave, name="member_leave"),
    path("members/<int:pk>/erase/", register_views.member_erase_view, name="member_erase"),
    path("members/<int:pk>/interview/", register_views.interview_add, name="interview_add"),
    path("members/<int:pk>/record-check/", register_views.record_check_add, name="record_check_add"),
    path("members/<int:pk>/payment/", register_views.payment_add, name="payment_add"),
    path("fees/unpaid/", register_views.unpaid, name="unpaid"),
    path("fees/annual-meeting/", register_views.annual_meeting, name="annual_meeting"),
    path("fees/annual-meeting.csv", register_views.annual_meeting_csv, name="annual_meeting_csv"),
    # Admins.
    path("fees/rates/", register_views.fee_rates, name="fee_rates"),
    path("pledge/texts/", register_views.pledge_texts, name="pledge_texts"),
    path("audit/", audit_views.audit_trail, name="audit_trail"),
    # The volunteer herself.
    path("me/", register_views.profile, name="profile"),
    path("me/pledge/", register_views.pledge, name="pledge"),
    path("me/data/", register_views.my_data, name="my_data"),
    path("me/data.json", register_views.my_data_json, name="my_data_json"),
    # Import and export (coordinators).
    path("members/import/", import_views.import_members, name="import_members"),
    path("members/import/confirm/", import_views.import_members_confirm, name="import_members_confirm"),
    path("fees/import/", import_views.import_payments, name="import_payments"),
    path("fees/import/confirm/", import_views.import_payments_confirm, name="import_payments_confirm"),
    path("members/export.csv", import_views.export_members_csv, name="export_members_csv"),
    path("members/export.xlsx", import_views.export_members_xlsx, name="export_members_xlsx"),
    # The outbox: notices that failed or wait (coordinators).
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/<int:pk>/retry/", notice_views.notice_retry_view, name="notice_retry"),
]
