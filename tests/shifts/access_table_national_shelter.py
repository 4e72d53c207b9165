"""Who may use a shelter coordinator's pages of the national rota (issue 20): coordinators and admins of the shelter
(the actions answer with a redirect); volunteers 403; another shelter 404 (as every page inside a shelter)."""

from django.utils import timezone

from shifts.models import NationalParticipation
from shifts.national import national_organisation
from tests.access import Rule, coordinator_page
from tests.factories import AssignmentFactory, LineFactory, ShiftFactory

FOUND = 302


def populate(world) -> None:
    national = national_organisation()
    world.national_line = LineFactory(organisation=national, name=f"Sommarchatt ({world.organisation.slug})")
    NationalParticipation.objects.create(
        line=world.national_line, organisation=world.organisation, accepted_at=timezone.now()
    )
    world.national_invited_line = LineFactory(
        organisation=national, name=f"Nationell telefon ({world.organisation.slug})"
    )
    NationalParticipation.objects.create(line=world.national_invited_line, organisation=world.organisation)
    # Leaving ends the shelter's part: a line of its own, so the pages above stay reachable after it.
    world.national_leave_line = LineFactory(organisation=national, name=f"Nationell e-post ({world.organisation.slug})")
    NationalParticipation.objects.create(
        line=world.national_leave_line, organisation=world.organisation, accepted_at=timezone.now()
    )
    # Her volunteer's place on a shift of the line, which a coordinator may take her off.
    world.national_place = AssignmentFactory(shift=ShiftFactory(line=world.national_line), member=world.volunteer)


def _post(kwargs) -> Rule:
    return coordinator_page(method="post", kwargs=kwargs, coordinator=FOUND, admin=FOUND)


ACCESS = {
    "shifts:national_list": coordinator_page(),
    "shifts:national_line": coordinator_page(kwargs=lambda w: {"pk": w.national_line.pk}),
    "shifts:national_accept": _post(lambda w: {"pk": w.national_invited_line.pk}),
    "shifts:national_leave": _post(lambda w: {"pk": w.national_leave_line.pk}),
    "shifts:national_volunteers": _post(lambda w: {"pk": w.national_line.pk}),
    "shifts:national_remove": _post(lambda w: {"pk": w.national_place.pk}),
    "shifts:national_courses": _post(lambda w: {"pk": w.national_line.pk}),
}
