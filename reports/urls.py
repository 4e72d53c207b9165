from django.urls import path

from .views import report, share

app_name = "reports"
urlpatterns = [
    # Coordinators and admins (views/report.py): the report for a period, and the same figures as files.
    path("reports/", report.report_page, name="report"),
    path("reports/report.csv", report.report_csv, name="report_csv"),
    path("reports/report.xlsx", report.report_xlsx, name="report_xlsx"),
    path("reports/report.pdf", report.report_pdf, name="report_pdf"),
    # Admins (views/share.py): the year's anonymous figures for the federation.
    path("reports/federation/", share.share_page, name="share"),
    path("reports/federation/<int:pk>/withdraw/", share.share_withdraw, name="share_withdraw"),
]
