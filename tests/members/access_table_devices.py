"""The installable portal and her push devices (issue 18): who may use which URL."""

from notices.models import PushDevice
from tests.access import LOGIN, NOT_FOUND, OK, Rule, volunteer_page


def populate(world) -> None:
    """One device of the world's volunteer: only she may remove it."""
    world.push_device = PushDevice.objects.create(
        member=world.volunteer,
        endpoint="https://fcm.googleapis.com/fcm/send/access-table",
        p256dh="BAAA",
        auth="AAAA",
        label="Firefox på Android",
    )


EVERYONE = Rule(anonymous=OK, volunteer=OK, coordinator=OK, admin=OK, other_shelter=OK)

ACCESS = {
    # Outside any shelter and about nobody: the browser fetches the manifest and the offline page without cookies.
    "pwa_manifest": EVERYONE,
    "pwa_service_worker": EVERYONE,
    "pwa_offline": EVERYONE,
    # Her own devices: every member has the page (her own list); another shelter's coordinator is no member here.
    "members:devices": volunteer_page(),
    # An empty POST is no subscription: refused with a sentence (400), never a 500.
    "members:device_subscribe": Rule(volunteer=400, coordinator=400, admin=400, method="post"),
    "members:device_unsubscribe": Rule(volunteer=400, coordinator=400, admin=400, method="post"),
    # Only the device's owner removes it; a coordinator or admin of her shelter cannot see it (404).
    "members:device_remove": Rule(
        anonymous=LOGIN,
        volunteer=302,
        coordinator=NOT_FOUND,
        admin=NOT_FOUND,
        other_shelter=NOT_FOUND,
        method="post",
        kwargs=lambda world: {"pk": world.push_device.pk},
    ),
}
