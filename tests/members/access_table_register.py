"""Access rules for the member register's pages (issue 3)."""

from members.models import MemberStatus, Role
from tests.access import FORBIDDEN, Rule, admin_page, coordinator_page, volunteer_page
from tests.factories import MemberFactory


def populate(world) -> None:
    world.register_member = MemberFactory(organisation=world.organisation, role=Role.VOLUNTEER)
    world.register_left = MemberFactory(
        organisation=world.organisation, role=Role.VOLUNTEER, status=MemberStatus.LEFT, user=None
    )


def _member(world):
    return {"pk": world.register_member.pk}


def _left(world):
    return {"pk": world.register_left.pk}


def coordinator_post(ok: int = 302, **extra) -> Rule:
    return Rule(volunteer=FORBIDDEN, coordinator=ok, admin=ok, method="post", **extra)


ACCESS = {
    "members:member_list": coordinator_page(),
    "members:member_detail": coordinator_page(kwargs=_member),
    "members:member_edit": coordinator_page(kwargs=_member),
    "members:member_invite_existing": coordinator_post(kwargs=_member),
    "members:member_leave": coordinator_post(kwargs=_member),
    "members:member_erase": coordinator_post(kwargs=_left),
    # An empty form: the member page again with the errors.
    "members:interview_add": coordinator_post(ok=200, kwargs=_member),
    "members:record_check_add": coordinator_post(ok=200, kwargs=_member),
    "members:payment_add": coordinator_post(ok=200, kwargs=_member),
    "members:unpaid": coordinator_page(),
    "members:annual_meeting": coordinator_page(),
    "members:annual_meeting_csv": coordinator_page(),
    "members:fee_rates": admin_page(),
    # Only admins change the shelter's settings; an empty form is the fees page again with the errors.
    "members:fee_reminders": admin_page(method="post"),
    "members:pledge_texts": admin_page(),
    "members:audit_trail": admin_page(),
    "members:profile": volunteer_page(),
    "members:pledge": volunteer_page(),
    "members:my_data": volunteer_page(),
    "members:my_data_json": volunteer_page(),
}
