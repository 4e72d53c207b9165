from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import (
    FeeRate,
    Interview,
    Member,
    Notice,
    Organisation,
    Payment,
    PledgeSignature,
    PledgeText,
    RecordCheck,
    User,
)


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
            fields = [f for f in fields if f not in ("email", "phone", "postal_address")]
        return fields


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "organisation", "status", "due_at", "attempts"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Notice._meta.fields]


@admin.register(PledgeText)
class PledgeTextAdmin(admin.ModelAdmin):
    list_display = ["organisation", "version", "published_at"]
    list_filter = ["organisation"]


@admin.register(FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    list_display = ["organisation", "year", "membership_type", "amount"]
    list_filter = ["organisation", "year"]


class _MemberRowAdmin(admin.ModelAdmin):
    """Onboarding and fee rows: shown by member id only, so no contact data leaks through the admin."""

    raw_id_fields = ["member"]
    list_select_related = ["member"]


@admin.register(Interview)
class InterviewAdmin(_MemberRowAdmin):
    list_display = ["member_id", "held_on", "recorded_at"]
    raw_id_fields = ["member", "recorded_by"]


@admin.register(PledgeSignature)
class PledgeSignatureAdmin(_MemberRowAdmin):
    list_display = ["member_id", "pledge_text", "signed_at"]


@admin.register(RecordCheck)
class RecordCheckAdmin(_MemberRowAdmin):
    list_display = ["member_id", "seen_on", "valid_until"]
    raw_id_fields = ["member", "seen_by"]


@admin.register(Payment)
class PaymentAdmin(_MemberRowAdmin):
    list_display = ["member_id", "organisation", "year", "amount", "paid_on", "method"]
    list_filter = ["organisation", "year", "method"]
