"""Her own choices (issue 19): who may use which URL. Always her own membership (no member id in the URL); leaving
and asking for erasure first ask for her password again (allauth's reauthentication: a 302 for a session that has
not just given it), so an open session alone never ends a membership."""

from tests.access import Rule, volunteer_page

REAUTHENTICATE = 302


def populate(world) -> None:
    pass


ACCESS = {
    "members:my_choices": volunteer_page(),
    "members:leave_self": Rule(volunteer=REAUTHENTICATE, coordinator=REAUTHENTICATE, admin=REAUTHENTICATE),
    "members:erasure_request": Rule(volunteer=REAUTHENTICATE, coordinator=REAUTHENTICATE, admin=REAUTHENTICATE),
}
