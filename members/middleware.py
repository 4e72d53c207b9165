"""Coordinators, admins and federation operators must use a second factor before any other page."""

from datetime import UTC, datetime

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.shortcuts import redirect
from django.urls import reverse

from .models import Member, MemberStatus, Role

SESSION_KEY = "jourplan_second_factor"
# Paths a person who still owes a second factor may reach: allauth's own pages (login, logout, TOTP
# setup, re-authentication), the language switch, static files and the health check. Whole path segments
# only: a shelter's pages live at /<slug>/, and a slug such as "healthz-jour" must not pass for /healthz.
ALLOWED_SECTIONS = ("/accounts/", "/i18n/", "/static/")
# The installable portal's files (core/pwa.py) hold nothing about anyone; a redirect would break the service worker.
ALLOWED_PATHS = frozenset({"/healthz", "/manifest.webmanifest", "/sw.js", "/offline/"})


def second_factor_may_wait(path: str) -> bool:
    return path in ALLOWED_PATHS or path.startswith(ALLOWED_SECTIONS)


def needs_second_factor(user) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    return (
        Member.objects.filter(user=user, role__in=[Role.COORDINATOR, Role.ADMIN], erased_at=None)
        .exclude(status=MemberStatus.LEFT)
        .exists()
    )


def mark_second_factor(request) -> None:
    request.session[SESSION_KEY] = True


def session_has_second_factor(request) -> bool:
    """True once this session used a second factor: at login, at re-authentication, or by activating
    TOTP after logging in (activation needs a valid code, so it proves the device too)."""
    if request.session.get(SESSION_KEY):
        return True
    records = get_authentication_records(request, request.user)
    proven = any(record.get("method") == "mfa" for record in records)
    if not proven and records:
        logged_in_at = datetime.fromtimestamp(min(record["at"] for record in records), tz=UTC)
        proven = Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP, created_at__gte=logged_in_at
        ).exists()
    if proven:
        mark_second_factor(request)
    return proven


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not second_factor_may_wait(request.path_info)
            and not session_has_second_factor(request)
            and needs_second_factor(user)
        ):
            target = reverse("mfa_reauthenticate" if is_mfa_enabled(user) else "mfa_activate_totp")
            return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)
