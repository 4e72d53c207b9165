"""Access rules for the public interest form and the coordinator's "Decline" (issue 19)."""

from django.utils import timezone

from members.models import MemberStatus, Role
from tests.access import FORBIDDEN, LOGIN, NOT_FOUND, OK, Rule
from tests.factories import MemberFactory


def populate(world) -> None:
    world.interested = MemberFactory(
        organisation=world.organisation,
        role=Role.VOLUNTEER,
        status=MemberStatus.PROSPECTIVE,
        user=None,
        asked_to_join_at=timezone.now(),
    )


ACCESS = {
    # Public: anyone, signed in anywhere or not, may open any shelter's form.
    "members:join": Rule(anonymous=OK, volunteer=OK, coordinator=OK, admin=OK, other_shelter=OK),
    "members:member_decline": Rule(
        anonymous=LOGIN,
        volunteer=FORBIDDEN,
        coordinator=302,
        admin=302,
        other_shelter=NOT_FOUND,
        method="post",
        kwargs=lambda world: {"pk": world.interested.pk},
    ),
}
