from django.utils import timezone

from tests.access import LOGIN, NOT_FOUND, OK, Rule, coordinator_page, volunteer_page
from tests.factories import MemberFactory


def populate(world) -> None:
    """Create the objects this app's URLs need (attributes on `world`)."""
    # Another shelter invites the volunteer's own address: only she may answer it.
    world.invitation = MemberFactory(
        organisation=world.other_organisation, user=None, email=world.volunteer.user.email, invited_at=timezone.now()
    )


ACCESS = {
    # The volunteer has an invitation to answer (populate), so she gets the page that lists it.
    "home": Rule(anonymous=LOGIN, volunteer=OK, coordinator=302, admin=302, other_shelter=302),
    "healthz": Rule(anonymous=OK, volunteer=OK, coordinator=OK, admin=OK, other_shelter=OK),
    "federation:shelters": Rule(
        anonymous=LOGIN, volunteer=NOT_FOUND, coordinator=NOT_FOUND, admin=NOT_FOUND, other_shelter=NOT_FOUND
    ),
    "invitation_answer": Rule(
        anonymous=LOGIN,
        volunteer=302,
        coordinator=NOT_FOUND,
        admin=NOT_FOUND,
        other_shelter=NOT_FOUND,
        method="post",
        kwargs=lambda world: {"pk": world.invitation.pk},
    ),
    "members:portal": volunteer_page(),
    "members:invite": coordinator_page(),
}
