"""Who may manage whom in a shelter: the rank rules every path (forms, import, commands, services) asks.

- A login belongs to its person; staff manage memberships (Member rows), never logins.
- Coordinators invite, edit, pause, mark as left and erase volunteers; admins manage every member of their
  own shelter, coordinators and admins included. Nobody acts on another shelter's members.
- Nobody grants a role above her own; only admins change a role at all.
- Protected identity, and the contact data of a member under protected identity, change only by an admin.

`actor=None` is the system itself (beat's scheduled erasure, the demo, the federation operator creating a
shelter's first admin): trusted code, not a person in a shelter.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.errors import JourplanError

from .models import ROLE_RANK, Member, Role

CONTACT_FIELDS = frozenset({"email", "phone", "postal_address"})


class RankRefused(JourplanError):
    """The acting member may not do this to this member (another shelter, or a higher role)."""


def may_manage(actor: Member | None, target: Member) -> bool:
    """Whether `actor` may invite, edit, pause, mark as left or erase `target`."""
    if actor is None:
        return True
    if actor.organisation_id != target.organisation_id or not actor.is_coordinator:
        return False
    if actor.is_admin:
        return True
    return target.role == Role.VOLUNTEER


def grantable_roles(actor: Member | None) -> list[str]:
    """The roles `actor` may give: none above her own, and only admins give anything but volunteer."""
    if actor is None:
        return list(Role.values)
    if actor.is_admin:
        return [role for role in Role.values if ROLE_RANK[role] <= ROLE_RANK[actor.role]]
    return [Role.VOLUNTEER]


def may_change_protected(actor: Member | None) -> bool:
    """Protected identity, and a protected member's contact data, change only by an admin (or the system)."""
    return actor is None or actor.is_admin


def check_may_manage(actor: Member | None, target: Member) -> None:
    if not may_manage(actor, target):
        raise RankRefused(_("Only an admin can change a coordinator or an admin."))


def check_changes(actor: Member | None, target: Member, changes: dict[str, Any]) -> None:
    """Refuse changes above the actor's rank: the target itself, a role she may not give, protected identity
    or a protected member's contact data when she is not an admin. `changes` holds only fields that change."""
    check_may_manage(actor, target)
    if "role" in changes and changes["role"] not in grantable_roles(actor):
        raise RankRefused(_("You cannot give this role."))
    if "protected_identity" in changes and not may_change_protected(actor):
        raise RankRefused(_("Only an admin can change protected identity."))
    if target.protected_identity and CONTACT_FIELDS & set(changes) and not may_change_protected(actor):
        raise RankRefused(_("Only an admin can change the contact data of a member under protected identity."))
