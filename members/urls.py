from django.urls import path

from .views import accounts, audit, channels, choices, devices, imports, interest, notices, register, settings

app_name = "members"
urlpatterns = [
    path("", accounts.portal, name="portal"),
    path("invite/", accounts.invite, name="invite"),
    # The public interest form (no login; members/views/interest.py resolves the shelter itself).
    path("join/", interest.join, name="join"),
    # The member register (coordinators).
    path("members/", register.member_list, name="member_list"),
    path("members/<int:pk>/", register.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", register.member_edit, name="member_edit"),
    path("members/<int:pk>/invite/", register.member_invite_existing, name="member_invite_existing"),
    path("members/<int:pk>/leave/", register.member_leave, name="member_leave"),
    path("members/<int:pk>/erase/", register.member_erase_view, name="member_erase"),
    path("members/<int:pk>/decline/", interest.member_decline, name="member_decline"),
    path("members/<int:pk>/interview/", register.interview_add, name="interview_add"),
    path("members/<int:pk>/record-check/", register.record_check_add, name="record_check_add"),
    path("members/<int:pk>/payment/", register.payment_add, name="payment_add"),
    path("fees/unpaid/", register.unpaid, name="unpaid"),
    path("fees/annual-meeting/", register.annual_meeting, name="annual_meeting"),
    path("fees/annual-meeting.csv", register.annual_meeting_csv, name="annual_meeting_csv"),
    # Admins.
    path("fees/rates/", register.fee_rates, name="fee_rates"),
    path("fees/reminders/", register.fee_reminders, name="fee_reminders"),
    path("pledge/texts/", register.pledge_texts, name="pledge_texts"),
    path("audit/", audit.audit_trail, name="audit_trail"),
    path("sms/", channels.sms_settings, name="sms_settings"),
    path("settings/", settings.shelter_settings, name="shelter_settings"),
    # The volunteer herself.
    path("me/", register.profile, name="profile"),
    path("me/pledge/", register.pledge, name="pledge"),
    path("me/notifications/", channels.my_channels, name="channels"),
    path("me/devices/", devices.devices, name="devices"),
    path("me/devices/subscribe/", devices.device_subscribe, name="device_subscribe"),
    path("me/devices/unsubscribe/", devices.device_unsubscribe, name="device_unsubscribe"),
    path("me/devices/<int:pk>/remove/", devices.device_remove, name="device_remove"),
    path("me/data/", register.my_data, name="my_data"),
    path("me/choices/", choices.my_choices, name="my_choices"),
    path("me/choices/leave/", choices.leave, name="leave_self"),
    path("me/choices/erasure/", choices.erasure_request, name="erasure_request"),
    path("me/data.json", register.my_data_json, name="my_data_json"),
    # Import and export (coordinators).
    path("members/import/", imports.import_members, name="import_members"),
    path("members/import/confirm/", imports.import_members_confirm, name="import_members_confirm"),
    path("fees/import/", imports.import_payments, name="import_payments"),
    path("fees/import/confirm/", imports.import_payments_confirm, name="import_payments_confirm"),
    path("members/export.csv", imports.export_members_csv, name="export_members_csv"),
    path("members/export.xlsx", imports.export_members_xlsx, name="export_members_xlsx"),
    # The outbox: notices that failed or wait (coordinators).
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/retry/", notices.notice_retry_view, name="notice_retry"),
]
