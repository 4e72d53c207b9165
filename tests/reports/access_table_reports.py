"""Who may use the report URLs (issue 20): a shelter's coordinators and admins read its reports; only admins share
its figures with the federation; everyone else (a volunteer, another shelter's coordinator) gets a 404, so the
addresses tell nothing. The federation's figures are for its operators only."""

from django.utils import timezone

from reports.models import FigureShare
from tests.access import LOGIN, NOT_FOUND, Rule

FOUND = 302


def populate(world) -> None:
    world.figure_share = FigureShare.objects.create(
        organisation=world.organisation, year=2025, figures={"shift_hours": 10}, shared_at=timezone.now()
    )


def _coordinators(**extra) -> Rule:
    return Rule(volunteer=NOT_FOUND, **extra)


def _admins(**extra) -> Rule:
    return Rule(volunteer=NOT_FOUND, coordinator=NOT_FOUND, **extra)


ACCESS = {
    "reports:report": _coordinators(),
    "reports:report_csv": _coordinators(),
    "reports:report_xlsx": _coordinators(),
    "reports:report_pdf": _coordinators(query="?period=this_year"),
    "reports:share": _admins(),
    "reports:share_withdraw": _admins(method="post", admin=FOUND, kwargs=lambda w: {"pk": w.figure_share.pk}),
    "federation_figures:figures": Rule(
        anonymous=LOGIN, volunteer=NOT_FOUND, coordinator=NOT_FOUND, admin=NOT_FOUND, other_shelter=NOT_FOUND
    ),
}
