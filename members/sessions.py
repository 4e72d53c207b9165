"""How long a session lives, and ending all of a person's sessions.

- Sessions expire after inactivity: `SESSION_COOKIE_AGE` for volunteers, the shorter
  `COORDINATOR_SESSION_AGE` for anyone who is a coordinator or admin somewhere (or a federation operator),
  since their sessions open the whole register. The age is chosen once per session and renewed by her
  activity: a request that finds the session last renewed SESSION_RENEW_SECONDS or more ago saves it again
  (new expiry in the database and the cookie). So the timeout is the age give or take that many seconds,
  and most requests skip the session's UPDATE, which `SESSION_SAVE_EVERY_REQUEST` paid on every one.
- `sessions_end(user_id)` ends every session of a login by raising `User.session_epoch`, which is part of
  the session hash Django checks on each request. It runs when a member loses a role (admin → coordinator,
  coordinator → volunteer), leaves, or is erased — unless her login keeps that standing through another
  shelter or the federation, since one shelter never acts on another's sessions (access to each shelter is
  checked on every request anyway); a new password ends the other sessions through the same hash.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import F
from django.db.models.signals import post_init, post_save

from core.models import User

from .models import ROLE_RANK, Member, MemberStatus, Role

SESSION_AGE_KEY = "jourplan_session_age"
SESSION_RENEWED_KEY = "jourplan_session_renewed"  # when the expiry was last pushed forward (Unix seconds)


def sessions_end(*, user_id: int) -> None:
    """End every session of this login at its next request (all devices)."""
    User.objects.filter(pk=user_id).update(session_epoch=F("session_epoch") + 1)


def session_age_for(user) -> int:
    """Seconds of inactivity after which her session ends: shorter when she holds a coordinator's keys."""
    short = settings.COORDINATOR_SESSION_AGE
    if user.is_staff or user.is_superuser:
        return short
    holds_keys = (
        Member.objects.filter(user=user, role__in=[Role.COORDINATOR, Role.ADMIN], erased_at=None)
        .exclude(status=MemberStatus.LEFT)
        .exists()
    )
    return short if holds_keys else settings.SESSION_COOKIE_AGE


def _set_session_age(request, user) -> None:
    age = session_age_for(user)
    request.session[SESSION_AGE_KEY] = age
    request.session[SESSION_RENEWED_KEY] = int(time.time())  # saved now, with an expiry `age` from now
    request.session.set_expiry(age)


def _on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        _set_session_age(request, user)


user_logged_in.connect(_on_login, dispatch_uid="members.sessions.age")


class SessionAgeByRoleMiddleware:
    """Set the inactivity timeout of a signed-in session by role. Normally done at login (one query per
    login, none per request); this catches sessions that began before (e.g. before an upgrade)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and SESSION_AGE_KEY not in request.session:
            _set_session_age(request, user)
        response = self.get_response(request)
        _renew_when_due(request)
        return response


def _renew_when_due(request) -> None:
    """Mark a signed-in session modified when its expiry was last renewed SESSION_RENEW_SECONDS or more ago, so
    SessionMiddleware saves it with a fresh expiry. A session that logged out during the request is left alone."""
    session = getattr(request, "session", None)
    if session is None or session.modified or SESSION_AGE_KEY not in session:
        return
    now = int(time.time())
    if now - session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
        session[SESSION_RENEWED_KEY] = now


# --- A lost role ends her sessions --------------------------------------------------------------------


_WATCHED = ("user_id", "role", "status", "erased_at")
_UNKNOWN = object()  # a field deferred at load (.only()/.defer()): reading it here would query (and recurse)
_LOADED_STATE = "_session_state"  # the instance attribute that keeps the _WATCHED values as loaded


def _remember_loaded_state(sender, instance: Member, **kwargs) -> None:
    setattr(instance, _LOADED_STATE, {name: instance.__dict__.get(name, _UNKNOWN) for name in _WATCHED})


def _end_sessions_on_lost_access(sender, instance: Member, created: bool, **kwargs) -> None:
    old: dict[str, Any] | None = getattr(instance, _LOADED_STATE, None)
    if not created and old is not None and old["user_id"] not in (None, _UNKNOWN):
        old_user_id = old["user_id"]
        now = {name: instance.__dict__.get(name, _UNKNOWN) for name in _WATCHED}
        lost_role = _UNKNOWN not in (old["role"], now["role"]) and ROLE_RANK.get(now["role"], 0) < ROLE_RANK.get(
            old["role"], 0
        )
        left = now["status"] == MemberStatus.LEFT and old["status"] != MemberStatus.LEFT
        erased = now["erased_at"] not in (None, _UNKNOWN) and old["erased_at"] is None
        unlinked = now["user_id"] is not _UNKNOWN and now["user_id"] != old_user_id
        if (lost_role or left or erased or unlinked) and not _standing_elsewhere(old_user_id, instance, lost_role):
            sessions_end(user_id=old_user_id)
    _remember_loaded_state(sender, instance)


def _standing_elsewhere(user_id: int, instance: Member, lost_role: bool) -> bool:
    """Whether the login keeps what this change took away through another shelter (or the federation): a
    shelter's decision about its own membership never logs her out of another shelter."""
    user = User.objects.filter(pk=user_id).only("is_staff", "is_superuser").first()
    if user is None:
        return False
    others = (
        Member.objects.filter(user_id=user_id, erased_at=None).exclude(status=MemberStatus.LEFT).exclude(pk=instance.pk)
    )
    if lost_role:
        return others.filter(role__in=[Role.COORDINATOR, Role.ADMIN]).exists() or user.is_staff or user.is_superuser
    return others.exists() or user.is_staff or user.is_superuser


post_init.connect(_remember_loaded_state, sender=Member, dispatch_uid="members.sessions.remember")
post_save.connect(_end_sessions_on_lost_access, sender=Member, dispatch_uid="members.sessions.end")
