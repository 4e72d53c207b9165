"""Who may use the volunteer portal: every member of the shelter; her own objects only."""

from datetime import timedelta

from shifts.models import SwapOffer, WaitingListEntry
from tests.access import NOT_FOUND, volunteer_page
from tests.factories import NOW, AssignmentFactory, LineFactory, ShiftFactory


def populate(world) -> None:
    line = LineFactory(organisation=world.organisation, name="Portallinjen")
    world.portal_shift = ShiftFactory(line=line)
    world.portal_full_shift = ShiftFactory(line=line, max_volunteers=1)
    world.portal_assignment = AssignmentFactory(shift=world.portal_full_shift, member=world.volunteer)
    other_shift = ShiftFactory(line=line)
    world.portal_entry = WaitingListEntry.objects.create(shift=other_shift, member=world.volunteer, created_at=NOW)
    offered = AssignmentFactory(shift=ShiftFactory(line=line), member=world.coordinator)
    world.portal_offer = SwapOffer.objects.create(assignment=offered, created_at=NOW)
    own = AssignmentFactory(shift=ShiftFactory(line=line, starts_at=NOW + timedelta(days=4)), member=world.volunteer)
    world.portal_own_offer = SwapOffer.objects.create(assignment=own, created_at=NOW)


def _post(**extra):
    # A POST answers with a redirect (success or a refusal shown as a message).
    return volunteer_page(method="post", volunteer=302, coordinator=302, admin=302, **extra)


def _own(**extra):
    # Her own assignment / waiting-list place: other members of her shelter get 404 too.
    return volunteer_page(method="post", volunteer=302, coordinator=NOT_FOUND, admin=NOT_FOUND, **extra)


ACCESS = {
    "shifts:portal_mine": volunteer_page(),
    "shifts:portal_open": volunteer_page(),
    "shifts:portal_next": volunteer_page(),
    "shifts:portal_take": _post(kwargs=lambda w: {"pk": w.portal_shift.pk}),
    "shifts:portal_queue": _post(kwargs=lambda w: {"pk": w.portal_full_shift.pk}),
    "shifts:portal_offer_take": _post(kwargs=lambda w: {"pk": w.portal_offer.pk}),
    "shifts:portal_leave": _own(kwargs=lambda w: {"pk": w.portal_entry.pk}),
    "shifts:portal_release": _own(kwargs=lambda w: {"pk": w.portal_assignment.pk}),
    "shifts:portal_offer": _own(kwargs=lambda w: {"pk": w.portal_assignment.pk}),
    "shifts:portal_shadow": _post(kwargs=lambda w: {"pk": w.portal_shift.pk}),
    "shifts:portal_offer_withdraw": _own(kwargs=lambda w: {"pk": w.portal_own_offer.pk}),
}
