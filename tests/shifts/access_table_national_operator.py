"""Who may use the federation operator's national-rota pages (issue 20): the operators only (User.is_staff).
Everyone else, a shelter's admin included, gets a 404, so the addresses tell nothing; anonymous is sent to log
in. The URLs are outside any shelter (like federation_figures:figures)."""

from shifts.national import national_organisation
from tests.access import LOGIN, NOT_FOUND, Rule
from tests.factories import LineFactory, ShiftPatternFactory


def populate(world) -> None:
    world.national_operator_line = LineFactory(
        organisation=national_organisation(), name=f"Sommarchatten ({world.organisation.slug})"
    )
    world.national_pattern = ShiftPatternFactory(line=world.national_operator_line)


def _operators_only(**extra) -> Rule:
    return Rule(
        anonymous=LOGIN, volunteer=NOT_FOUND, coordinator=NOT_FOUND, admin=NOT_FOUND, other_shelter=NOT_FOUND, **extra
    )


def _line(world) -> dict:
    return {"pk": world.national_operator_line.pk}


def _pattern(world) -> dict:
    return {"pk": world.national_pattern.pk}


ACCESS = {
    "national:lines": _operators_only(),
    "national:settings": _operators_only(method="post"),
    "national:line": _operators_only(kwargs=_line),
    "national:invite": _operators_only(method="post", kwargs=_line),
    "national:gaps": _operators_only(kwargs=_line),
    "national:pattern_create": _operators_only(kwargs=lambda w: {"line_pk": w.national_operator_line.pk}),
    "national:pattern_edit": _operators_only(kwargs=_pattern),
    "national:pattern_generate": _operators_only(kwargs=_pattern),
}
