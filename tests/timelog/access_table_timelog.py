"""Who may use the volunteer-time URLs (issue 20): every member logs, changes and takes back her own time (anyone
else's entry is a 404, a coordinator's too); coordinators and admins see the approval queue, decide and keep the
kinds; a volunteer gets a 403 there; another shelter's coordinator a 404 everywhere."""

from tests.access import FORBIDDEN, NOT_FOUND, Rule, coordinator_page, volunteer_page
from timelog.models import TimeEntry, TimeKind

FOUND = 302


def populate(world) -> None:
    world.time_kind = TimeKind.objects.create(organisation=world.organisation, name="Styrelsearbete")
    world.time_entry = TimeEntry.objects.create(member=world.volunteer, kind=world.time_kind, day="2026-11-20", hours=2)


def _hers(**extra) -> Rule:
    # Her own entry: the coordinator and the admin get a 404 on her change and take-back pages, like another's.
    return volunteer_page(coordinator=NOT_FOUND, admin=NOT_FOUND, kwargs=lambda w: {"pk": w.time_entry.pk}, **extra)


def _kind(**extra) -> Rule:
    return coordinator_page(
        kwargs=lambda w: {"pk": w.time_kind.pk}, method="post", coordinator=FOUND, admin=FOUND, **extra
    )


ACCESS = {
    "timelog:mine": volunteer_page(),
    "timelog:change": _hers(),
    "timelog:withdraw": _hers(method="post", volunteer=FOUND),
    "timelog:queue": coordinator_page(),
    "timelog:approve": coordinator_page(method="post", coordinator=FOUND, admin=FOUND),
    "timelog:return": Rule(
        volunteer=FORBIDDEN,
        coordinator=FOUND,
        admin=FOUND,
        method="post",
        kwargs=lambda w: {"pk": w.time_entry.pk},
    ),
    "timelog:kinds": coordinator_page(),
    "timelog:kind_rename": _kind(),
    "timelog:kind_active": _kind(),
    "timelog:kind_delete": _kind(),
}
