from tests.access import admin_page, volunteer_page


def populate(world) -> None:
    """Nothing to make: both pages read the shelter and the member herself."""


ACCESS = {
    # Her own notification channels and quiet hours: every member of the shelter; another shelter's coordinator
    # is no member here (404).
    "members:channels": volunteer_page(),
    # Which topics may go by SMS, the sender name, the month's count: the shelter's admins only.
    "members:sms_settings": admin_page(),
    # The shelter's own rules (release deadline, sign-up window, reminders, erasure): the shelter's admins only.
    "members:shelter_settings": admin_page(),
}
