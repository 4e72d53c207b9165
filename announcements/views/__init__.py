"""The announcements' pages, one module per side: coordinator (the shelter's list, the write form) and portal (her
messages, one message, the unread ones on her start page, her link from a notice)."""

from __future__ import annotations

from core.http import ShelterRequest
from members.models import Member


class MemberRequest(ShelterRequest):
    """A request inside a shelter as `members.access.shelter_view` leaves it: her shelter and her membership."""

    member: Member
