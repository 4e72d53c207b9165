from django.contrib import admin

from .models import Course, SessionSignup, TrainingRecord, TrainingSession


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "purpose", "validity_months", "active"]
    list_filter = ["organisation", "purpose", "active"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["course", "starts_at", "place", "capacity"]
    list_select_related = ["course"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["member", "course", "completed_on", "expires_on", "source"]
    list_select_related = ["member", "course"]
    raw_id_fields = ["member", "recorded_by", "session"]


admin.site.register(SessionSignup)
