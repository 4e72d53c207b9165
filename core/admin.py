"""The Django admin is for the federation's operators (superusers). An operator is nobody's shelter admin and
does not own anyone's login, so here she can look, fix shelter settings and deactivate a login, but cannot
change a person's role, status, protected identity, contact data or link to a login, nor a login's e-mail
address, password, second factor or operator standing. Those change on the shelter's own pages (by its
admin) or by the person herself; new shelters and their first admin come from the federation page."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email"]
    # No password here: the hash's "set password" link is a door to someone else's login.
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["email", "is_staff", "is_superuser", "last_login", "date_joined"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # logins come from invitations (and operators from `createsuperuser`)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False  # deactivate instead; erasure has its own path

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:  # noqa: A002  (Django's signature)
        raise PermissionDenied


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


# allauth's own admins: an e-mail address row is where a password reset is sent, so a new or changed one is a
# new owner for the login; an authenticator row holds the TOTP secret. Operators may look (without the
# secret) and may remove a lost authenticator, after which the person sets up a new one at her next login.
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(EmailAddress)
class EmailAddressAdmin(admin.ModelAdmin[Any]):  # allauth's models are untyped
    list_display = ["email", "user", "primary", "verified"]
    list_filter = ["primary", "verified"]
    search_fields = ["email", "user__email"]
    fields = readonly_fields = ("email", "user", "primary", "verified")
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin[Any]):  # allauth's models are untyped
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    fields = readonly_fields = ("user", "type", "created_at", "last_used_at")  # never `data`: the secret

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
