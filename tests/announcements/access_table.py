"""Who may use the announcement URLs (issue 18): coordinators and admins write and see the shelter's list; every
member reads her own messages, and a message she did not get is a 404 (a coordinator's too). Her link from a notice
is outside any shelter's address, behind her login, and leads only to her own copy."""

from announcements.services import announcement_send
from tests.access import LOGIN, NOT_FOUND, Rule, coordinator_page, volunteer_page

FOUND = 302


def populate(world) -> None:
    # Sent before the other tables add members: the shelter's one volunteer gets it, the coordinator and admin do not.
    world.announcement = announcement_send(
        organisation=world.organisation, author=world.coordinator, title="Jourmöte", body="Torsdag kl 18."
    )


def _hers(**extra) -> Rule:
    # Her own copy: the coordinator and the admin, who did not get it, get a 404 like another shelter's.
    return volunteer_page(coordinator=NOT_FOUND, admin=NOT_FOUND, kwargs=lambda w: {"pk": w.announcement.pk}, **extra)


ACCESS = {
    "announcements:mine": volunteer_page(),
    "announcements:unread": volunteer_page(),
    "announcements:read": _hers(),
    "announcements:mark_read": _hers(method="post", volunteer=FOUND),
    "announcements:sent": coordinator_page(),
    "announcements:write": coordinator_page(),
    "announcement_open": Rule(
        anonymous=LOGIN,
        volunteer=FOUND,
        coordinator=NOT_FOUND,
        admin=NOT_FOUND,
        other_shelter=NOT_FOUND,
        kwargs=lambda w: {"pk": w.announcement.pk},
    ),
}
