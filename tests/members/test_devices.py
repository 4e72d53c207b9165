"""Her devices (issue 18): she lets a browser get her notices as push notifications, renews it, turns it off or
removes it; nobody else can touch it, and a subscription that is not a real one is refused with a Swedish sentence.

The subscriptions are real: a P-256 key pair and a 16-byte secret made here, as a browser makes them."""

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse

from members.devices import MAX_DEVICES, device_label, endpoint_hash
from notices.models import PushDevice
from notices.push import generate_private_key, private_key_text
from tests.conftest import log_in
from tests.factories import MemberFactory

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def browser_keys() -> dict:
    """What a browser's PushSubscription holds: its P-256 public key (uncompressed point) and an auth secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}


def subscription(endpoint: str = "https://fcm.googleapis.com/fcm/send/dGhpcy1waG9uZQ", **keys) -> dict:
    return {"endpoint": endpoint, "expirationTime": None, "keys": {**browser_keys(), **keys}}


@pytest.fixture(autouse=True)
def push_on(settings):
    """Push is on: the installation has a VAPID key."""
    settings.VAPID_PRIVATE_KEY = private_key_text(generate_private_key())
    settings.VAPID_PUBLIC_KEY = ""


def url(member, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"organisation": member.organisation.slug, **kwargs})


def post_json(client, path: str, body, *, agent: str = FIREFOX_ANDROID):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", HTTP_USER_AGENT=agent)


def add_device(member, endpoint: str, label: str = "Chrome på Windows") -> PushDevice:
    keys = browser_keys()
    return PushDevice.objects.create(member=member, endpoint=endpoint, label=label, **keys)


def test_she_gets_notifications_on_this_device(volunteer_client, volunteer):
    sent = subscription()
    response = post_json(volunteer_client, url(volunteer, "members:device_subscribe"), sent)

    assert response.status_code == 200
    assert response.json()["message"] == "Den här enheten får nu dina aviseringar."
    device = PushDevice.objects.get(member=volunteer)
    assert (device.endpoint, device.p256dh, device.auth) == (sent["endpoint"], *sent["keys"].values())
    assert device.label == "Firefox på Android"
    # The page she reloads to lists it, says it worked, and carries the hash the script finds it by.
    page = volunteer_client.get(url(volunteer, "members:devices")).content.decode()
    assert "Den här enheten får nu dina aviseringar." in page
    assert "Firefox på Android" in page
    assert f'data-device="{endpoint_hash(sent["endpoint"])}"' in page
    assert sent["endpoint"] not in page  # the endpoint itself never reaches the page


def test_the_same_browser_again_renews_its_keys_and_keeps_its_row(volunteer_client, volunteer):
    first = subscription()
    post_json(volunteer_client, url(volunteer, "members:device_subscribe"), first)
    device = PushDevice.objects.get(member=volunteer)

    renewed = subscription(first["endpoint"])
    response = post_json(volunteer_client, url(volunteer, "members:device_subscribe"), renewed, agent=CHROME_WINDOWS)

    assert response.status_code == 200
    again = PushDevice.objects.get(member=volunteer)
    assert again.pk == device.pk and again.created_at == device.created_at
    assert (again.p256dh, again.auth) == (renewed["keys"]["p256dh"], renewed["keys"]["auth"])
    assert again.label == "Chrome på Windows"


def test_a_browser_another_person_had_registered_is_hers_alone_afterwards(
    volunteer_client, volunteer, organisation, other_organisation
):
    """A phone handed on (or shared): the previous person's notices must not keep appearing on it. The same
    person's registration of that browser in her other shelter stays: it is still her phone."""
    endpoint = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABshared"
    colleague = MemberFactory(organisation=organisation)
    stranger = MemberFactory(organisation=other_organisation)
    add_device(colleague, endpoint)
    add_device(stranger, endpoint)
    her_other_shelter = MemberFactory(organisation=other_organisation, user=volunteer.user)
    add_device(her_other_shelter, endpoint)
    colleague_phone = add_device(colleague, "https://fcm.googleapis.com/fcm/send/colleagues-own-phone")

    response = post_json(volunteer_client, url(volunteer, "members:device_subscribe"), subscription(endpoint))

    assert response.status_code == 200
    owners = set(PushDevice.objects.filter(endpoint=endpoint).values_list("member_id", flat=True))
    assert owners == {volunteer.pk, her_other_shelter.pk}
    assert PushDevice.objects.filter(pk=colleague_phone.pk).exists()  # her other devices are untouched


def test_she_removes_a_device_from_the_list(volunteer_client, volunteer):
    device = add_device(volunteer, "https://fcm.googleapis.com/fcm/send/old-phone", label="Chrome på Android")
    keep = add_device(volunteer, "https://fcm.googleapis.com/fcm/send/new-phone")

    response = volunteer_client.post(url(volunteer, "members:device_remove", pk=device.pk), follow=True)

    assert response.redirect_chain[-1][0] == url(volunteer, "members:devices")
    page = response.content.decode()
    assert "Enheten är borttagen. Den får inte längre dina aviseringar." in page
    assert "Chrome på Android" not in page
    assert list(PushDevice.objects.filter(member=volunteer)) == [keep]


def test_nobody_else_can_remove_or_see_her_device(client, volunteer, coordinator, admin_member):
    device = add_device(volunteer, "https://fcm.googleapis.com/fcm/send/hers", label="Safari på iPhone")
    for other in (coordinator, admin_member):
        log_in(client, other)
        assert client.post(url(volunteer, "members:device_remove", pk=device.pk)).status_code == 404
        assert "Safari på iPhone" not in client.get(url(volunteer, "members:devices")).content.decode()
        # Turning off "her" endpoint from another login forgets nothing of hers.
        response = post_json(client, url(volunteer, "members:device_unsubscribe"), {"endpoint": device.endpoint})
        assert response.status_code == 200
    assert PushDevice.objects.filter(pk=device.pk).exists()


def test_another_shelter_gets_not_found(client, volunteer, other_shelter_coordinator):
    device = add_device(volunteer, "https://fcm.googleapis.com/fcm/send/hers")
    log_in(client, other_shelter_coordinator)

    assert client.get(url(volunteer, "members:devices")).status_code == 404
    assert post_json(client, url(volunteer, "members:device_subscribe"), subscription()).status_code == 404
    assert client.post(url(volunteer, "members:device_remove", pk=device.pk)).status_code == 404
    assert not PushDevice.objects.filter(member__organisation=volunteer.organisation).exclude(pk=device.pk).exists()


def test_turning_off_forgets_that_browser_in_all_her_shelters(
    volunteer_client, volunteer, organisation, other_organisation
):
    endpoint = "https://fcm.googleapis.com/fcm/send/turned-off"
    add_device(volunteer, endpoint)
    her_other_shelter = MemberFactory(organisation=other_organisation, user=volunteer.user)
    add_device(her_other_shelter, endpoint)
    colleague = add_device(MemberFactory(organisation=organisation), endpoint)
    still_on = add_device(volunteer, "https://fcm.googleapis.com/fcm/send/her-laptop")

    response = post_json(volunteer_client, url(volunteer, "members:device_unsubscribe"), {"endpoint": endpoint})

    assert response.status_code == 200
    assert response.json()["message"] == "Den här enheten får inte längre dina aviseringar."
    assert set(PushDevice.objects.values_list("pk", flat=True)) == {colleague.pk, still_on.pk}


UNREADABLE = "Webbläsaren skickade ingen läsbar push-prenumeration. Ladda om sidan och försök igen."
BAD_KEYS = "Webbläsarens push-nycklar är ogiltiga. Ladda om sidan och försök igen."
NOT_A_PUSH_SERVICE = "Jourplan kan inte skicka aviseringar via den här webbläsarens push-tjänst."
NOT_ON_THE_CURVE = b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", UNREADABLE),
        (b"\xff\xfe", UNREADABLE),
        ("[]", UNREADABLE),
        ({"endpoint": "https://fcm.googleapis.com/fcm/send/x"}, UNREADABLE),
        ({**subscription(), "endpoint": 42}, UNREADABLE),
        ({**subscription(), "endpoint": "https://fcm.googleapis.com/" + "x" * 1000}, UNREADABLE),
        ({**subscription(), "endpoint": "https://fcm.googleapis.com/fcm/send/a b"}, UNREADABLE),
        (json.dumps({"padding": "x" * 5000, **subscription()}), UNREADABLE),
        # Where the worker would post: only https to a known push service, never an address of our own network.
        (subscription("http://fcm.googleapis.com/fcm/send/x"), NOT_A_PUSH_SERVICE),
        (subscription("https://10.0.0.7/push"), NOT_A_PUSH_SERVICE),
        (subscription("https://127.0.0.1:6379/"), NOT_A_PUSH_SERVICE),
        (subscription("https://push.example.org/x"), NOT_A_PUSH_SERVICE),
        (subscription("https://fcm.googleapis.com.evil.example/x"), NOT_A_PUSH_SERVICE),
        (subscription("https://user:pw@fcm.googleapis.com/x"), NOT_A_PUSH_SERVICE),
        (subscription("https://fcm.googleapis.com:8443/x"), NOT_A_PUSH_SERVICE),
        (subscription("javascript:alert(1)"), NOT_A_PUSH_SERVICE),
        # Keys a browser cannot have made.
        (subscription(p256dh="not base64!"), BAD_KEYS),
        (subscription(p256dh=b64url(b"\x04" + b"\x00" * 10)), BAD_KEYS),
        (subscription(p256dh=NOT_ON_THE_CURVE), BAD_KEYS),
        (subscription(p256dh=None), BAD_KEYS),
        (subscription(auth=b64url(b"short")), BAD_KEYS),
        (subscription(auth="A" * 300), BAD_KEYS),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, (bytes, str)) else None,
)
def test_what_is_not_a_browsers_subscription_is_refused_in_swedish(volunteer_client, volunteer, body, message):
    response = post_json(volunteer_client, url(volunteer, "members:device_subscribe"), body)

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not PushDevice.objects.exists()


def test_turning_off_needs_an_endpoint(volunteer_client, volunteer):
    for body in (b"", b"{}", b'{"endpoint": ""}', b'{"endpoint": ["x"]}'):
        response = post_json(volunteer_client, url(volunteer, "members:device_unsubscribe"), body)
        assert response.status_code == 400
        assert response.json() == {"error": UNREADABLE}


def test_she_has_at_most_ten_devices(volunteer_client, volunteer):
    for n in range(MAX_DEVICES):
        add_device(volunteer, f"https://fcm.googleapis.com/fcm/send/phone-{n}")

    response = post_json(volunteer_client, url(volunteer, "members:device_subscribe"), subscription())
    renewal = post_json(
        volunteer_client,
        url(volunteer, "members:device_subscribe"),
        subscription(f"https://fcm.googleapis.com/fcm/send/phone-{MAX_DEVICES - 1}"),
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": "Du får redan aviseringar på 10 enheter. Ta bort en innan du lägger till den här."
    }
    assert renewal.status_code == 200  # a device she has may always renew its keys
    assert PushDevice.objects.filter(member=volunteer).count() == MAX_DEVICES


def test_with_push_off_the_page_says_so_and_nothing_is_stored(settings, volunteer_client, volunteer):
    settings.VAPID_PRIVATE_KEY = ""

    page = volunteer_client.get(url(volunteer, "members:devices")).content.decode()
    response = post_json(volunteer_client, url(volunteer, "members:device_subscribe"), subscription())

    assert "Push-aviseringar är inte påslagna i den här Jourplan." in page
    assert "data-push-subscribe" not in page
    assert response.status_code == 400
    assert response.json() == {"error": "Push-aviseringar är inte påslagna i den här Jourplan."}
    assert not PushDevice.objects.exists()


def test_the_page_lists_her_devices_in_this_shelter_with_dates(volunteer_client, volunteer, other_organisation):
    from datetime import UTC, datetime

    device = add_device(volunteer, "https://fcm.googleapis.com/fcm/send/a", label="Safari på iPhone")
    PushDevice.objects.filter(pk=device.pk).update(
        created_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), last_used_at=datetime(2026, 3, 3, 19, 5, tzinfo=UTC)
    )
    add_device(MemberFactory(organisation=other_organisation, user=volunteer.user), "https://x/y", label="Elsewhere")

    page = volunteer_client.get(url(volunteer, "members:devices")).content.decode()

    assert "Safari på iPhone" in page
    assert "Tillagd 2 mars 2026" in page
    assert "senast använd 3 mars 2026 20:05" in page  # Stockholm time
    assert "Elsewhere" not in page
    assert "Få aviseringar på den här enheten" in page and "Stäng av" in page
    # Without JavaScript the page says what it cannot do.
    assert "Att slå på eller av aviseringar på den här enheten kräver JavaScript." in page


def test_the_page_reads_a_fixed_number_of_queries(volunteer_client, volunteer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert volunteer_client.get(url(volunteer, "members:devices")).status_code == 200
        return len(queries)

    add_device(volunteer, "https://fcm.googleapis.com/fcm/send/one")
    one = count()
    for n in range(7):
        add_device(volunteer, f"https://fcm.googleapis.com/fcm/send/more-{n}")
    assert count() == one


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (FIREFOX_ANDROID, "Firefox på Android"),
        (CHROME_WINDOWS, "Chrome på Windows"),
        (SAFARI_IPHONE, "Safari på iPhone"),
        ("", "Webbläsare"),
        ("curl/8.0", "Webbläsare"),
    ],
)
def test_a_device_is_named_by_its_browser_and_system(agent, label):
    assert device_label(agent) == label


def test_get_is_not_a_way_in(volunteer_client, volunteer):
    assert volunteer_client.get(url(volunteer, "members:device_subscribe")).status_code == 405
    assert volunteer_client.get(url(volunteer, "members:device_unsubscribe")).status_code == 405


def test_a_cross_site_post_is_refused(volunteer):
    """The JSON endpoints keep Django's CSRF check: another site's page cannot add its endpoint to her account."""
    client = Client(enforce_csrf_checks=True)
    log_in(client, volunteer)
    response = post_json(client, url(volunteer, "members:device_subscribe"), subscription())
    assert response.status_code == 403
    assert not PushDevice.objects.exists()


def test_erasing_a_member_forgets_her_devices(organisation, volunteer):
    from members.gdpr import member_erase
    from members.models import MemberStatus

    leaver = MemberFactory(organisation=organisation, status=MemberStatus.LEFT)
    add_device(leaver, "https://fcm.googleapis.com/fcm/send/leavers-phone")
    staying = add_device(volunteer, "https://fcm.googleapis.com/fcm/send/volunteers-phone")

    member_erase(member=leaver)

    assert list(PushDevice.objects.all()) == [staying]
