"""Who may use the absence, wishes and workload-rule pages (issue 17): every member her own; coordinators a member's
absences (acting only on those they may manage); the workload rules are read by coordinators, changed by admins
(the POST is in tests/shifts/test_workload_rules.py)."""

from tests.access import NOT_FOUND, OK, coordinator_page, volunteer_page
from tests.factories import AbsenceFactory

FOUND = 302


def populate(world) -> None:
    world.volunteer_absence = AbsenceFactory(member=world.volunteer)


def _volunteer(pk=lambda w: {}, **answers):
    return volunteer_page(method="post", kwargs=pk, **answers)


def _coordinator(pk, **answers):
    return coordinator_page(method="post", kwargs=pk, **answers)


ACCESS = {
    "shifts:availability": volunteer_page(),
    # An empty form is shown again with its errors.
    "shifts:availability_absence_add": _volunteer(volunteer=OK, coordinator=OK, admin=OK),
    # Her own absence only: anyone else's is not found.
    "shifts:availability_absence_remove": _volunteer(
        lambda w: {"pk": w.volunteer_absence.pk}, volunteer=FOUND, coordinator=NOT_FOUND, admin=NOT_FOUND
    ),
    "shifts:availability_wishes": _volunteer(volunteer=FOUND, coordinator=FOUND, admin=FOUND),
    "shifts:member_availability": coordinator_page(kwargs=lambda w: {"pk": w.volunteer.pk}),
    "shifts:member_absence_add": _coordinator(lambda w: {"pk": w.volunteer.pk}, coordinator=OK, admin=OK),
    "shifts:member_absence_remove": _coordinator(
        lambda w: {"pk": w.volunteer_absence.pk}, coordinator=FOUND, admin=FOUND
    ),
    "shifts:workload_rules": coordinator_page(),
    # Her prior shifts (issue 19; the POST and rank are in tests/shifts/test_prior_experience.py).
    "shifts:member_experience": coordinator_page(kwargs=lambda w: {"pk": w.volunteer.pk}),
}
