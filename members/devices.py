"""Her push devices (issue 18): the browsers she lets Jourplan send push notices to, one list per membership.

A browser's push subscription (endpoint, keys.p256dh, keys.auth) arrives as the JSON of `PushSubscription.toJSON()`
from the devices page. It is checked before anything is stored: the endpoint must be a push service Jourplan may post
to (notices.push.endpoint_refusal: https to a host in PUSH_SERVICE_HOSTS, so a forged subscription cannot point the
worker at an internal address), the keys must be base64url of a P-256 point and a 16-byte secret.

One browser belongs to one person: registering an endpoint that another login had registered takes it from her
(a shared or handed-on phone must not keep showing the previous person's notices). The same login's rows for it in
her other shelters stay: it is still her phone. Services are one transaction each and raise DeviceRefused with a
sentence for her.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import JourplanError
from notices.models import PushDevice
from notices.push import endpoint_refusal

from .models import Member

# A subscription's JSON is a few hundred bytes; anything much larger is not one.
MAX_BODY_BYTES = 4096
MAX_ENDPOINT = 1000  # PushDevice.endpoint's length
# Each notice goes to every device she has: a bound keeps one member from fanning a notice out without limit.
MAX_DEVICES = 10
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class DeviceRefused(JourplanError):
    """The browser's subscription cannot be stored (or removed); the message says why, for her."""


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str  # base64url without padding
    auth: str


@dataclass(frozen=True)
class DeviceRow:
    pk: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    endpoint_hash: str  # what the page's script compares with its own subscription; the endpoint stays off the page


def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _unreadable() -> DeviceRefused:
    return DeviceRefused(_("The browser did not send a readable push subscription. Reload the page and try again."))


def _json_object(body: bytes) -> dict:
    if len(body) > MAX_BODY_BYTES:
        raise _unreadable()
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _unreadable() from exc
    if not isinstance(data, dict):
        raise _unreadable()
    return data


def _endpoint(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _unreadable()
    endpoint = value.strip()
    if len(endpoint) > MAX_ENDPOINT or not endpoint.isprintable() or " " in endpoint:
        raise _unreadable()
    return endpoint


def _key(value: object, *, size: int) -> bytes:
    if not isinstance(value, str) or len(value) > 200 or not _BASE64URL.match(value):
        raise DeviceRefused(_("The browser's push keys are not valid. Reload the page and try again."))
    text = value.rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DeviceRefused(_("The browser's push keys are not valid. Reload the page and try again.")) from exc
    if len(raw) != size:
        raise DeviceRefused(_("The browser's push keys are not valid. Reload the page and try again."))
    return raw


def subscription_from_json(body: bytes) -> Subscription:
    """Read and check `PushSubscription.toJSON()`; raises DeviceRefused (a Swedish or English sentence) otherwise."""
    data = _json_object(body)
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise _unreadable()
    endpoint = _endpoint(data.get("endpoint"))
    if endpoint_refusal(endpoint):
        raise DeviceRefused(_("Jourplan cannot send notices through this browser's push service."))
    p256dh = _key(keys.get("p256dh"), size=65)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError as exc:
        raise DeviceRefused(_("The browser's push keys are not valid. Reload the page and try again.")) from exc
    auth = _key(keys.get("auth"), size=16)
    encode = base64.urlsafe_b64encode
    return Subscription(
        endpoint=endpoint, p256dh=encode(p256dh).decode().rstrip("="), auth=encode(auth).decode().rstrip("=")
    )


def endpoint_from_json(body: bytes) -> str:
    """The endpoint of `{"endpoint": …}` (what the page sends when the browser has cancelled its subscription)."""
    return _endpoint(_json_object(body).get("endpoint"))


_BROWSERS = (
    ("SamsungBrowser/", "Samsung Internet"),
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "Mac"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Firefox on Android": what she needs to tell her devices apart, from the browser's User-Agent."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser and system:
        label = _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    else:
        label = browser or system or _("Web browser")
    return label[:100]


def member_devices(member: Member) -> list[DeviceRow]:
    """Her devices in this shelter, newest first, in one query."""
    return [
        DeviceRow(
            pk=device.pk,
            label=device.label,
            created_at=device.created_at,
            last_used_at=device.last_used_at,
            endpoint_hash=endpoint_hash(device.endpoint),
        )
        for device in PushDevice.objects.filter(member=member).order_by("-created_at", "-pk")
    ]


@transaction.atomic
def push_device_register(*, member: Member, subscription: Subscription, label: str) -> PushDevice:
    """Store (or renew) this browser as one of her push devices in this shelter. Guarantees: afterwards the endpoint
    is registered to her login only (another person's rows for it are deleted, her own in other shelters stay);
    a renewal keeps the row and its date and takes the new keys; she has at most MAX_DEVICES here."""
    if member.user_id is None:
        raise DeviceRefused(_("Only a member with a login can get notices on a device."))
    PushDevice.objects.filter(endpoint=subscription.endpoint).exclude(member__user_id=member.user_id).delete()
    mine = PushDevice.objects.select_for_update().filter(member=member)
    known = [device for device in mine if device.endpoint == subscription.endpoint]
    if not known and len(mine) >= MAX_DEVICES:
        raise DeviceRefused(
            _("You already get notices on %(count)d devices. Remove one before you add this one.")
            % {"count": MAX_DEVICES}
        )
    device, _created = PushDevice.objects.update_or_create(
        member=member,
        endpoint=subscription.endpoint,
        defaults={"p256dh": subscription.p256dh, "auth": subscription.auth, "label": label[:100]},
    )
    return device


@transaction.atomic
def push_device_remove(*, member: Member, device: PushDevice) -> None:
    """Forget one of her devices in this shelter (she removed it from the list)."""
    if device.member_id != member.pk:
        raise DeviceRefused(_("That device is not yours."))
    PushDevice.objects.filter(pk=device.pk).delete()


@transaction.atomic
def push_device_unsubscribe(*, member: Member, endpoint: str) -> int:
    """The browser has cancelled its subscription ("Stäng av"): the endpoint is dead, so every row of it that belongs
    to her login is forgotten, in every shelter of hers. Another person's rows are never touched. Returns how many."""
    if member.user_id is None:
        return 0
    deleted, _per_model = PushDevice.objects.filter(endpoint=endpoint, member__user_id=member.user_id).delete()
    return deleted
