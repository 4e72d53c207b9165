"""Who may open the reports: a shelter's coordinators and admins (admins alone for sharing), and the federation's
operators for the shared figures. Everyone else gets a 404, like another shelter's page: a volunteer learns
nothing from the addresses either."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from members.access import shelter_view
from members.models import Role


def shelter_role_or_404(role: str):
    """shelter_view for every member of the shelter, then a 404 (not a 403) below `role`."""

    def decorator(view):
        @shelter_view(Role.VOLUNTEER)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.member.has_role(role):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


coordinators_only = shelter_role_or_404(Role.COORDINATOR)
admins_only = shelter_role_or_404(Role.ADMIN)


def operator_required(view):
    """The federation's operators (User.is_staff, labelled "federation operator"; create_superuser sets it too);
    404 for everyone else, who has no business knowing the page exists."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
