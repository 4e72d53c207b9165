"""The volunteer-time pages, one module per side: portal (her "My time": log, change, withdraw) and coordinator
(the approval queue, the kinds)."""

from __future__ import annotations

from django.http import Http404

from core.http import ShelterRequest
from core.params import MAX_PK
from members.models import Member


class MemberRequest(ShelterRequest):
    """A request inside a shelter as `members.access.shelter_view` leaves it: her shelter and her membership."""

    member: Member


def checked_pk(pk: int) -> int:
    """A path's id that can name a row; a larger number is a 404 before the database sees it."""
    if not 0 < pk <= MAX_PK:
        raise Http404
    return pk
