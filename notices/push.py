"""Web Push, the outbox's push channel: a notice goes to each browser she let Jourplan notify (notices.PushDevice),
signed with the installation's VAPID key (RFC 8292) and encrypted for that browser (aes128gcm, RFC 8291), through
`pywebpush`.

What a push service's answer means for one device:

| answer | meaning |
|---|---|
| 200–202 | the push service took it: delivered for that device (its `last_used_at` is set) |
| 404, 410 | the subscription is gone: the device is forgotten (deleted) |
| 408, 429, 5xx, no answer within PUSH_TIMEOUT, no connection | try again later: the notice is retried |
| other 4xx (400, 401/403: a key it refuses, 413), a redirect | refused: that device does not get this notice |

Redirects are never followed, and only endpoints on a push service in PUSH_SERVICE_HOSTS are posted to
(`endpoint_refusal`): the browser names the endpoint, so a forged one must not send the worker to an internal address.

The notice as a whole: delivered when at least one device took it and none needs another try; retried (the outbox's
backoff) when a device needs another try; failed for good (`PermanentDeliveryError`, never retried) when no device
took it and none can, e.g. every device is gone or she has none.

**Exactly once per device.** A retry never sends to a device that already took this notice: before asking the
outbox for another try, the ids of the devices that took it are written on the notice
(`Notice.payload["push_delivered"]`, one conditional UPDATE of the row this worker has claimed), and the next attempt
(or a coordinator's "try again" of a failed notice) skips them. If that write fails, the notice is left in doubt
(`DeliveryInDoubt`): never re-sent, as for a mail the server took without confirming. A worker that dies while
sending leaves the row "sending", which the lease turns into "in doubt": never re-sent either. Not stored for each
device: a success that ends the notice (it is then "sent", never sent again).

**No answer is not "not delivered".** A push service that took the request and then did not answer in time may have
queued it. That device is retried like the others (so a slow push service does not cost her the notice); the copy
the retry sends carries the same `Topic` header, so a push service still holding the first copy replaces it, and the
same `tag` in the payload, so a service worker that shows both (`showNotification(title, {tag})`) replaces the first
on her screen instead of showing two.

**Bounded.** Each request waits at most PUSH_TIMEOUT seconds to connect and as long for each answer; after one push
service fails to answer, the notice's other devices on that same service wait for the next attempt, so one notice
waits at most about PUSH_TIMEOUT per push service, not per device.

**Discreet.** The payload is `{"title": "Jourplan", "body": …, "url": …, "tag": …}`: the body is the notice's SMS
text (or its subject), which names no shelter; `url` is the Jourplan link in that text, or the start page.

Keys: VAPID_PRIVATE_KEY (and optionally VAPID_PUBLIC_KEY, checked against it) and VAPID_SUBJECT from the environment.
Without them, in development (DEBUG on, the embedded default) a key pair is made once, at first use, in
var/vapid.json (mode 0600); in production push is off (`push_enabled()` is False; `manage.py check` warns).
`manage.py vapid_keys` prints a fresh pair for the environment. pywebpush is imported only when something is sent.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from .channels import DeliveryInDoubt, PermanentDeliveryError
from .models import Notice, NoticeStatus, PushDevice

if TYPE_CHECKING:
    import requests

    from .outbox import Message

logger = logging.getLogger(__name__)

TITLE = "Jourplan"
# A notice that has not reached her phone within 12 hours is stale (a reminder, a call-out): the push service may
# drop it then rather than deliver it late.
TTL = 12 * 60 * 60
URGENCY = "normal"
# The notification's text, in characters: a lock screen shows two or three lines; the payload stays far below the
# 4 KiB a push service accepts.
MAX_BODY = 300
# Where the ids of the devices that took a notice are kept between its attempts.
DELIVERED_KEY = "push_delivered"
KEY_FILE_NAME = "vapid.json"
GONE = frozenset({404, 410})
TRY_AGAIN = frozenset({408, 425, 429})


class PushNotDelivered(Exception):  # noqa: N818  (the outbox reads any exception as "try again later")
    """Some device could not be reached this time: the outbox tries the notice again after its backoff."""


# --- Keys ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VapidKeys:
    private_key: ec.EllipticCurvePrivateKey
    subject: str

    @property
    def application_server_key(self) -> str:
        """The public key as a browser's PushManager.subscribe() wants it: base64url, the uncompressed point."""
        return _public_text(self.private_key)


def vapid_keys() -> VapidKeys | None:
    """The key push notices are signed with: from VAPID_PRIVATE_KEY, or (development, DEBUG on, no key set) the
    pair made once in var/vapid.json. None when push is off (production without a key). Raises
    ImproperlyConfigured for a key or subject that cannot work (`manage.py check` says so too)."""
    if settings.VAPID_PRIVATE_KEY:
        key = _load_private_key(settings.VAPID_PRIVATE_KEY)
        if settings.VAPID_PUBLIC_KEY and settings.VAPID_PUBLIC_KEY.strip().rstrip("=") != _public_text(key):
            raise ImproperlyConfigured("VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY.")
    elif settings.VAPID_PUBLIC_KEY:
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY is set without VAPID_PRIVATE_KEY.")
    elif settings.DEBUG:
        key = embedded_private_key(Path(settings.VAR_DIR) / KEY_FILE_NAME)
    else:
        return None
    return VapidKeys(private_key=key, subject=checked_subject())


def push_enabled() -> bool:
    """Whether push notices can be sent (a VAPID key is configured, or made in development). Pages offer the
    device opt-in, and channel choices offer push, only when this is True."""
    try:
        return vapid_keys() is not None
    except ImproperlyConfigured:
        return False


def application_server_key() -> str:
    """The VAPID public key for the browser's `pushManager.subscribe({applicationServerKey})` (base64url of the
    uncompressed P-256 point, 87 characters); "" when push is off."""
    try:
        keys = vapid_keys()
    except ImproperlyConfigured:
        return ""
    return keys.application_server_key if keys is not None else ""


def checked_subject() -> str:
    """Who the push services may contact about our messages: VAPID_SUBJECT, else the sender address of our mail.
    RFC 8292 wants a mailto: or https: URI (py_vapid accepts an https origin without a path only)."""
    subject = settings.VAPID_SUBJECT or f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}"
    if not _SUBJECT.match(subject):
        raise ImproperlyConfigured(f"VAPID_SUBJECT must be a mailto: address or an https:// origin, not {subject!r}.")
    return subject


_SUBJECT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://[A-Za-z0-9.-]+\.[A-Za-z0-9-]+(:\d+)?)$")


def generate_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_text(key: ec.EllipticCurvePrivateKey) -> str:
    """The private key as VAPID_PRIVATE_KEY takes it: base64url of the 32-byte scalar (as web-push tools print it)."""
    return _b64encode(key.private_numbers().private_value.to_bytes(32, "big"))


def embedded_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The development key pair in `path`, made the first time it is asked for. Two processes asking at once (the
    web process for the public key, the worker to send) get the same pair: the file is written whole under another
    name and linked into place, and whoever links second reads the winner's file."""
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_private_key()
    content = {
        "private_key": private_key_text(key),
        "public_key": _public_text(key),
        "note": "Development VAPID keys made by Jourplan (notices/push.py). Production sets VAPID_PRIVATE_KEY.",
    }
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-", suffix=".json")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            json.dump(content, file, indent=2)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
            logger.info("Made development VAPID keys in %s", path)
        except FileExistsError:
            pass  # another process made them first: theirs count
    finally:
        os.unlink(temporary)
    return _read_key_file(path)


def _read_key_file(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        text = json.loads(path.read_text())["private_key"]
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"{path} holds no VAPID key ({exc}); delete it to make a new pair.") from exc
    return _load_private_key(text, name=str(path))


def _load_private_key(text: str, *, name: str = "VAPID_PRIVATE_KEY") -> ec.EllipticCurvePrivateKey:
    """base64url of the raw 32-byte scalar (web-push's format), or a PEM or base64 DER key (py_vapid's)."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key: Any = serialization.load_pem_private_key(text.replace("\\n", "\n").encode(), password=None)
        else:
            raw = _b64decode(text)
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"{name} is not a readable P-256 private key.") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ImproperlyConfigured(f"{name} is not a P-256 (prime256v1) private key.")
    return key


def _public_text(key: ec.EllipticCurvePrivateKey) -> str:
    return _b64encode(
        key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    text = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- Which push services a device may name ---------------------------------------------------------------------------


def endpoint_refusal(endpoint: str) -> str:
    """Why Jourplan will not post to this subscription endpoint, or "" when it may. A browser names the endpoint, so a
    forged subscription could point the worker at any address (an internal service): only https to a push service in
    PUSH_SERVICE_HOSTS (a host or its subdomains), on the default port. Plain http is allowed only to a loopback host
    listed there itself (a local stand-in). Check it when a device is added, too."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return "not a URL"
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return "no host, or credentials in the URL"
    listed = any(host == allowed or host.endswith("." + allowed) for allowed in settings.PUSH_SERVICE_HOSTS)
    if not listed:
        return f"{host} is not a push service in PUSH_SERVICE_HOSTS"
    if parts.scheme == "https" and port in (None, 443):
        return ""
    if parts.scheme in ("http", "https") and _is_loopback(host):
        return ""
    return "only https on the default port"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- Sending ------------------------------------------------------------------------------------------------------


def push_payload(notice: Notice, message: Message) -> dict[str, str]:
    """What the service worker shows: the notice's SMS text (or subject) without the "Jourplan: " that the title
    already says; a link to Jourplan in the text becomes the notification's `url` (the start page otherwise)."""
    text = " ".join((message.sms or message.subject).split())
    url = f"{settings.SITE_URL}/"
    own_link = re.search(re.escape(settings.SITE_URL) + r"/\S*", text)
    if own_link:
        url = own_link.group(0)
        text = " ".join((text[: own_link.start()] + text[own_link.end() :]).split())
    for prefix in (f"{TITLE}: ", f"{TITLE} – ", f"{TITLE} - "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if len(text) > MAX_BODY:
        text = text[: MAX_BODY - 1].rstrip() + "…"
    return {"title": TITLE, "body": text, "url": url, "tag": _topic(notice)}


def _topic(notice: Notice) -> str:
    # RFC 8030 §5.4: at most 32 characters of the base64url alphabet; a push service replaces a message it still
    # holds with a newer one of the same topic.
    return f"jourplan-{notice.pk}"


@dataclass
class _Outcome:
    delivered: list[int]
    gone: list[int]
    refused: list[str]
    retry: list[str]


def push_deliver(notice: Notice, message: Message) -> str:
    """Send the notice to each of her push devices that has not taken it yet. Returns "" (push services give no id
    a delivery report could match).

    Raises PermanentDeliveryError when no device took it and none can (none left, all gone or refused): the notice
    fails at once. Raises PushNotDelivered when a device should be tried again (the devices that took it are
    recorded first, so the retry skips them); DeliveryInDoubt when that record cannot be written."""
    keys = vapid_keys()
    if keys is None:
        raise PermanentDeliveryError(_("Push notifications are off: no VAPID key is configured."))
    already = {int(pk) for pk in (notice.payload or {}).get(DELIVERED_KEY, [])}
    devices = [
        d for d in PushDevice.objects.filter(member_id=notice.recipient_id).order_by("pk") if d.pk not in already
    ]
    outcome = _send_to_devices(devices, json.dumps(push_payload(notice, message)), keys, topic=_topic(notice))
    delivered = already | set(outcome.delivered)
    if outcome.retry and outcome.delivered:
        _remember_delivered(notice, delivered)  # first: what keeps a retry from sending to them again
    _update_devices(outcome)
    if outcome.retry:
        raise PushNotDelivered("; ".join(outcome.retry))
    if delivered:
        if outcome.refused:
            logger.warning("Push notice %s refused by some devices: %s", notice.pk, "; ".join(outcome.refused))
        return ""
    if outcome.refused:
        raise PermanentDeliveryError(_("The push service refused it: %s") % "; ".join(outcome.refused))
    if outcome.gone:
        raise PermanentDeliveryError(_("Every device she had chosen for push notifications is gone."))
    raise PermanentDeliveryError(_("She has no device chosen for push notifications."))


def _send_to_devices(devices: Iterable[PushDevice], data: str, keys: VapidKeys, *, topic: str) -> _Outcome:
    import requests  # with pywebpush: only a worker that sends push loads them

    outcome = _Outcome(delivered=[], gone=[], refused=[], retry=[])
    silent_services: set[str] = set()
    with requests.Session() as session:
        session.max_redirects = 0  # a push service answers; it never sends the worker on to another address
        for device in devices:
            service = _origin(device.endpoint)
            if refusal := endpoint_refusal(device.endpoint):
                logger.warning("Push device %s not used: %s", device.pk, refusal)
                outcome.refused.append(f"device {device.pk}: {refusal}")
                continue
            if service in silent_services:
                outcome.retry.append(f"{service}: not tried after it did not answer")
                continue
            status, detail = _post(device, data, keys, topic=topic, session=session)
            if status is None or status >= 500 or status in TRY_AGAIN:
                outcome.retry.append(f"{service}: {detail}")
                if status is None:
                    silent_services.add(service)
            elif status in GONE:
                outcome.gone.append(device.pk)
            elif status <= 202:
                outcome.delivered.append(device.pk)
            else:
                outcome.refused.append(f"{service}: {detail}")
    return outcome


def _post(
    device: PushDevice, data: str, keys: VapidKeys, *, topic: str, session: requests.Session
) -> tuple[int | None, str]:
    """One request to the device's push service: (HTTP status, a short description), or (None, why) when no answer
    came (time-out, refused connection)."""
    import requests
    from py_vapid import Vapid02
    from pywebpush import WebPushException, webpush

    claims: dict[str, str | int] = {  # a fresh dict each time: pywebpush writes into it
        "sub": keys.subject,
        "aud": _origin(device.endpoint),
        "exp": int(time.time()) + TTL,
    }
    try:
        response = webpush(
            subscription_info={"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            data=data,
            vapid_private_key=Vapid02(private_key=keys.private_key),
            vapid_claims=claims,
            ttl=TTL,
            headers={"Urgency": URGENCY, "Topic": topic},
            timeout=settings.PUSH_TIMEOUT,
            requests_session=session,
        )
    except WebPushException as exc:
        status = exc.status_code
        if status is None:  # a subscription whose keys cannot be used: nothing was sent
            return 400, f"unusable subscription ({exc.message})"
        return int(status), f"{status} {_reason(exc.response)}".strip()
    except requests.TooManyRedirects as exc:
        status = exc.response.status_code if exc.response is not None else 300
        return int(status), f"{status} redirect, not followed"
    except requests.Timeout:
        return None, f"no answer within {settings.PUSH_TIMEOUT:g} s"
    except requests.RequestException as exc:
        return None, f"not reachable ({type(exc).__name__})"
    return int(response.status_code), str(response.status_code)


def _reason(response: Any) -> str:
    return str(getattr(response, "reason", "") or "")[:100]


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def _update_devices(outcome: _Outcome) -> None:
    """Forget the gone devices, note when the others took a notice. Only bookkeeping: a database that fails here
    (after the outbox's reconnecting retries) changes nothing about the notice; a gone device answers 410 again."""
    from .outbox import _record

    now = timezone.now()
    try:
        if outcome.gone:
            _record(lambda: PushDevice.objects.filter(pk__in=outcome.gone).delete()[0])
        if outcome.delivered:
            _record(lambda: PushDevice.objects.filter(pk__in=outcome.delivered).update(last_used_at=now))
    except DatabaseError as exc:
        logger.warning("Push devices not updated (gone %s, used %s): %s", outcome.gone, outcome.delivered, exc)


def _remember_delivered(notice: Notice, delivered: set[int]) -> None:
    """Write on the claimed notice which devices took it, so its next attempt skips them."""
    from .outbox import _record  # the outbox's reconnecting UPDATE of a claimed row

    payload = {**(notice.payload or {}), DELIVERED_KEY: sorted(delivered)}
    try:
        _record(lambda: Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(payload=payload))
    except DatabaseError as exc:
        raise DeliveryInDoubt(
            f"Push devices {sorted(delivered)} took the notice, but that could not be recorded: {exc}"
        ) from exc
    notice.payload = payload


# --- System check -------------------------------------------------------------------------------------------------


def check_push_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check`: a key or subject that cannot work is an error; production without a key a warning (push
    is off). Development without a key is fine: the pair is made at first use."""
    if not (settings.VAPID_PRIVATE_KEY or settings.VAPID_PUBLIC_KEY or settings.DEBUG):
        return [
            checks.Warning(
                "Push notifications are off: VAPID_PRIVATE_KEY is not set.",
                hint="`python manage.py vapid_keys` prints a key pair for the environment.",
                id="notices.W001",
            )
        ]
    try:
        if settings.VAPID_PRIVATE_KEY or settings.VAPID_PUBLIC_KEY:
            vapid_keys()
        else:
            checked_subject()  # development: the key pair is made at first use; the check writes nothing
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint="See README, Configuration: VAPID_*.", id="notices.E001")]
    return []
