from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import Member, Notice, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["first_name", "organisation", "role", "status"]
    list_filter = ["organisation", "role", "status"]
    raw_id_fields = ["user"]

    def get_fields(self, request, obj=None):
        # Contact data of a member under protected identity stays out of the operators' admin too.
        fields = super().get_fields(request, obj)
        if obj is not None and obj.protected_identity:
            fields = [f for f in fields if f not in ("email", "phone")]
        return fields


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "organisation", "status", "due_at", "attempts"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Notice._meta.fields]
