from django.contrib import admin

from .models import Assignment, Line, Shift, ShiftPattern, SwapOffer, WaitingListEntry


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "min_volunteers", "max_volunteers", "active"]
    list_filter = ["organisation", "kind", "active"]
    filter_horizontal = ["required_courses"]


@admin.register(ShiftPattern)
class ShiftPatternAdmin(admin.ModelAdmin):
    list_display = ["line", "weekdays", "start_time", "end_time", "every_n_weeks", "valid_from", "valid_until"]
    list_filter = ["line__organisation"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["line", "starts_at", "ends_at", "min_volunteers", "max_volunteers", "cancelled_at"]
    list_filter = ["line__organisation", "line"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["pattern"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["shift", "member", "status", "created_at", "overridden_by"]
    list_filter = ["status"]
    raw_id_fields = ["shift", "member", "released_by", "overridden_by"]


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(admin.ModelAdmin):
    list_display = ["shift", "member", "created_at"]
    raw_id_fields = ["shift", "member"]


@admin.register(SwapOffer)
class SwapOfferAdmin(admin.ModelAdmin):
    list_display = ["assignment", "created_at", "taken_by", "taken_at", "withdrawn_at"]
    raw_id_fields = ["assignment", "taken_by", "taken_assignment"]
