"""The path's pages: the board (coordinators and admins, views/board.py) and its steps (admins, views/steps.py)."""

from __future__ import annotations

from core.http import ShelterRequest
from members.models import Member


class MemberRequest(ShelterRequest):
    """A request inside a shelter as `members.access.shelter_view` leaves it: her shelter and her membership."""

    member: Member
