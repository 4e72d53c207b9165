"""Who may use the coordinator pages of the rota."""

from tests.access import coordinator_page
from tests.factories import AssignmentFactory, LineFactory, ShiftFactory, ShiftPatternFactory


def populate(world) -> None:
    world.rota_line = LineFactory(organisation=world.organisation, name="Åtkomstlinjen")
    world.rota_pattern = ShiftPatternFactory(line=world.rota_line)
    world.rota_shift = ShiftFactory(line=world.rota_line)
    world.rota_assignment = AssignmentFactory(shift=world.rota_shift, member=world.volunteer)


def _post(**extra):
    # A POST by a coordinator redirects (or is refused with 400 for an empty form).
    return coordinator_page(method="post", **extra)


ACCESS = {
    "shifts:rota_month": coordinator_page(),
    "shifts:rota_week": coordinator_page(),
    "shifts:rota_day": coordinator_page(),
    "shifts:rota_gaps": coordinator_page(),
    "shifts:rota_publish": _post(coordinator=302, admin=302),
    "shifts:shift_create": coordinator_page(),
    "shifts:rota_shift": coordinator_page(kwargs=lambda w: {"pk": w.rota_shift.pk}),
    "shifts:rota_assign": _post(coordinator=400, admin=400, kwargs=lambda w: {"pk": w.rota_shift.pk}),
    "shifts:rota_cancel": coordinator_page(kwargs=lambda w: {"pk": w.rota_shift.pk}),
    "shifts:shift_edit": coordinator_page(kwargs=lambda w: {"pk": w.rota_shift.pk}),
    "shifts:rota_remove": _post(coordinator=302, admin=302, kwargs=lambda w: {"pk": w.rota_assignment.pk}),
    "shifts:line_list": coordinator_page(),
    "shifts:line_create": coordinator_page(),
    "shifts:line_edit": coordinator_page(kwargs=lambda w: {"pk": w.rota_line.pk}),
    "shifts:pattern_create": coordinator_page(kwargs=lambda w: {"line_pk": w.rota_line.pk}),
    "shifts:pattern_edit": coordinator_page(kwargs=lambda w: {"pk": w.rota_pattern.pk}),
    "shifts:pattern_generate": coordinator_page(kwargs=lambda w: {"pk": w.rota_pattern.pk}),
}
