"""The Django admin for the federation's operator: kinds can be looked at and corrected; entries are read-only (a
volunteer logs her own time and a coordinator decides it on their pages, through the services and their checks).
No names are shown or searched: an entry is found by shelter, kind, status or date, its people by member id."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import TimeEntry, TimeKind


@admin.register(TimeKind)
class TimeKindAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "position", "active")
    list_filter = ("active", "organisation")
    search_fields = ("name",)
    readonly_fields = ("organisation",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a shelter's coordinators add kinds on their page (services.time_kind_create)

    def has_delete_permission(self, request: HttpRequest, obj: TimeKind | None = None) -> bool:
        return False  # a kind in use cannot be deleted; an unused one is deleted on the shelter's page


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "hours", "status", "organisation")
    list_filter = ("status", "kind__organisation")
    date_hierarchy = "day"
    list_select_related = ("kind__organisation",)
    # Who logged and decided it by member id only, like the register's rows: no name reaches the operator.
    fields = readonly_fields = (
        "organisation",
        "member_id",
        "kind",
        "day",
        "hours",
        "status",
        "return_reason",
        "decided_by_id",
        "decided_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("shelter"))
    def organisation(self, entry: TimeEntry) -> str:
        return str(entry.kind.organisation)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TimeEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TimeEntry | None = None) -> bool:
        return False
