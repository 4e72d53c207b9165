from tests.access import LOGIN, NOT_FOUND, OK, Rule, coordinator_page, volunteer_page


def populate(world) -> None:
    """Create the objects this app's URLs need (attributes on `world`)."""


ACCESS = {
    "home": Rule(anonymous=LOGIN, volunteer=302, coordinator=302, admin=302, other_shelter=302),
    "healthz": Rule(anonymous=OK, volunteer=OK, coordinator=OK, admin=OK, other_shelter=OK),
    "federation:shelters": Rule(
        anonymous=LOGIN, volunteer=NOT_FOUND, coordinator=NOT_FOUND, admin=NOT_FOUND, other_shelter=NOT_FOUND
    ),
    "members:portal": volunteer_page(),
    "members:invite": coordinator_page(),
}
