"""Resolving the shelter and the member's role for a request, once, from the URL.

Every view inside a shelter is wrapped in `shelter_view(role)`: it takes the `organisation` URL kwarg (the
shelter's slug), finds the signed-in user's Member row there and sets `request.organisation` and
`request.member`.
No membership (or another shelter's slug) is a 404, so a shelter's existence leaks nothing; a role
that is too low is a 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from core.http import ShelterRequest

from .models import Member, MemberStatus, Role


class MemberRequest(ShelterRequest):
    """A request inside a shelter as `shelter_view` leaves it: her shelter and her membership (for type hints)."""

    member: Member


def member_for(user, organisation_slug: str) -> Member | None:
    """Her membership in the shelter of this slug (not left, not erased), with the shelter; `member.user` is the
    request's own login object, not a second copy of its row."""
    if not user.is_authenticated:
        return None
    member = (
        Member.objects.select_related("organisation")
        .filter(user_id=user.pk, organisation__slug=organisation_slug, erased_at=None)
        .exclude(status=MemberStatus.LEFT)
        .first()
    )
    if member is not None:
        member.user = user
    return member


def shelter_view(role: str = Role.VOLUNTEER):
    """Decorate a view that lives under /<shelter>/: resolve organisation and member, check the role."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, organisation, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            member = member_for(request.user, organisation)
            if member is None:
                raise Http404
            if not member.has_role(role):
                raise PermissionDenied
            request.organisation = member.organisation
            request.member = member
            return view(request, *args, **kwargs)

        wrapped.shelter_role = role
        return wrapped

    return decorator


volunteer_required = shelter_view(Role.VOLUNTEER)
coordinator_required = shelter_view(Role.COORDINATOR)
admin_required = shelter_view(Role.ADMIN)


def in_organisation_time(view):
    """Show and read times in the shelter's time zone (put it below the role decorator, which resolves the
    shelter)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(request.organisation.zone):
            return view(request, *args, **kwargs)

    return wrapped


def superuser_required(view):
    """Federation pages: only the installation's operators (superusers)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
