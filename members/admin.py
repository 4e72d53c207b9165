"""The register in the Django admin, for the federation's operators (see core/admin.py for what they may not do):
read-only where a change is the shelter's decision or the person's own."""

from django.contrib import admin

from .models import FeeRate, Interview, Member, Payment, PledgeSignature, PledgeText, RecordCheck


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["first_name", "organisation", "role", "status"]
    list_filter = ["organisation", "role", "status"]
    readonly_fields = [
        "organisation",
        "user",
        "role",
        "status",
        "status_changed_on",
        "left_on",
        "protected_identity",
        "email",
        "phone",
        "postal_address",
    ]

    def has_add_permission(self, request):
        return False  # members join by a coordinator's invitation; a shelter's first admin from the federation page

    def has_delete_permission(self, request, obj=None):
        return False  # leaving and erasure are the shelter's decisions, with their own paths

    def get_fields(self, request, obj=None):
        # Contact data of a member under protected identity stays out of the operators' admin too, and so does
        # her login (its link shows its e-mail address).
        fields = super().get_fields(request, obj)
        if obj is not None and obj.protected_identity:
            fields = [f for f in fields if f not in ("email", "phone", "postal_address", "user")]
        return fields


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
