"""SMS through 46elks (a Swedish provider), and its delivery reports.

Sending (`ElksSmsBackend`, chosen by `SMS_BACKEND = "notices.sms.ElksSmsBackend"`): one HTTP request per SMS,
`POST {ELKS_API_URL}/a1/sms`, HTTP basic auth with the API username and password (`ELKS_API_USERNAME`,
`ELKS_API_PASSWORD`), form-encoded (application/x-www-form-urlencoded) fields as 46elks's "Send an SMS" page
names them (46elks.com/docs/send-sms, /docs/sms-delivery-reports):

- `from`: the shelter's text sender ID (`Organisation.sms_sender`, default "Jourplan"; it never names the
  shelter, `core.validators.sms_sender_names_shelter`), 2–11 letters or digits;
- `to`: her number in E.164 ("+46701234567");
- `message`: the text;
- `dontlog=message`: 46elks keeps no copy of the text (its records show number, time and cost, not words);
- `whendelivered`: our delivery-report URL for this notice (below).

46elks answers 200 with JSON (`id`, `status` "created", `to`, `from`, `parts`, `cost`, …); the `id` is returned,
and the outbox keeps it in `Notice.provider_ref`. A 4xx (a bad or unreachable number, a sender it refuses, our
credentials) is `PermanentDeliveryError` with 46elks's reason: the notice fails at once and is not retried
(408 and 429 excepted, which say "later"). A 5xx, a refused connection or a time-out before the request was
handed over is an ordinary error, so the outbox retries with backoff. Once the whole request has been written,
silence (a time-out waiting for the answer) or a dropped connection means 46elks may have sent the SMS: that is
`DeliveryInDoubt`, never retried, since a second try could reach her twice ("may have been sent" on the
coordinator's notices page, where she can send it again by hand). Every wait (connect, each read) is bounded by
`timeout` (settings.SMS_TIMEOUT).

Delivery reports: 46elks POSTs `id`, `status` ("sent", "delivered" or "failed") and, when delivered, `delivered`
(UTC) to the `whendelivered` URL. It does not sign them, so the URL carries a token, a salted HMAC of the notice's
id (`django.core.signing`, salt `REPORT_SALT`), and the report must also name the notice's own 46elks id: a report
with a bad token, a token for another notice, or an id that is not the notice's is refused (404) and changes
nothing. Only a notice in status "sent" moves (to "delivered" or "failed"); a repeat changes nothing more. A notice
in doubt has no 46elks id: its report (the token proves which notice it is about) settles the doubt and records
the id.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from typing import TYPE_CHECKING, Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, OpenerDirector, Request, build_opener

from django.conf import settings
from django.core import checks, signing
from django.urls import reverse
from django.utils import timezone

from core.validators import sms_sender_names_shelter

from .channels import DeliveryInDoubt, PermanentDeliveryError
from .models import Channel, Notice, NoticeStatus

if TYPE_CHECKING:
    from core.models import Organisation

logger = logging.getLogger(__name__)

BACKEND_PATH = "notices.sms.ElksSmsBackend"
DEFAULT_SENDER = "Jourplan"
REPORT_SALT = "notices.sms.delivery_report"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# 46elks's ids are short ASCII ("s3633fa8e62f823e52fbc67ebf6925ab5"); anything else in a report is not ours.
PROVIDER_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
MAX_ANSWER_BYTES = 64 * 1024  # a 46elks answer is a few hundred bytes
MAX_REASON_CHARS = 300
REPORT_FAILED_REASON = "The SMS provider reported that the message could not be delivered."


class _RefuseRedirects(HTTPRedirectHandler):
    """The API never redirects; following one would re-send the credentials (and drop the POST's body)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class ElksSmsBackend:
    """Sends each SMS through 46elks's HTTP API (see the module's docstring for the fields and the errors)."""

    def __init__(
        self,
        *,
        timeout: float,
        api_url: str | None = None,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.timeout = timeout
        self.endpoint = f"{(api_url or settings.ELKS_API_URL).rstrip('/')}/a1/sms"
        self.username = settings.ELKS_API_USERNAME if username is None else username
        self.password = settings.ELKS_API_PASSWORD if password is None else password
        self._opener: OpenerDirector = build_opener(_RefuseRedirects)

    def send(self, to: str, text: str, *, sender: str = DEFAULT_SENDER, report_url: str = "") -> str | None:
        """Hand one SMS to 46elks; its id for the message (None when a 200 carried no readable id)."""
        if not E164.fullmatch(to):
            raise PermanentDeliveryError("The phone number is not in international form (E.164).")
        fields = {"from": sender or DEFAULT_SENDER, "to": to, "message": text, "dontlog": "message"}
        if report_url:
            fields["whendelivered"] = report_url
        credentials = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        request = Request(  # noqa: S310  (the operator's https URL, or a test's loopback stand-in)
            self.endpoint,
            data=urlencode(fields).encode("utf-8"),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except HTTPError as error:
            raise self._refusal(error, to) from None
        except URLError:
            raise  # urllib's wrapper for what failed while connecting or writing: not handed over, retried
        except (OSError, HTTPException) as exc:
            # The request was written whole; then silence or a broken line instead of an answer.
            raise DeliveryInDoubt(f"46elks took the SMS but did not answer: {exc!r}") from exc
        with response:
            try:
                answer = response.read(MAX_ANSWER_BYTES)
            except OSError as exc:  # 46elks said 200: the SMS is on its way, whatever happens to the rest
                logger.warning("46elks accepted an SMS but its answer broke off (%s); no report can match it.", exc)
                return None
        return self._message_id(answer)

    def _refusal(self, error: HTTPError, to: str) -> Exception:
        try:
            body = error.read(MAX_ANSWER_BYTES).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001  (the status says enough)
            body = ""
        finally:
            error.close()
        # Her number never goes into a reason (a coordinator reads it on the notices page).
        reason = " ".join(body.replace(to, "…").replace(to[1:], "…").split())[:MAX_REASON_CHARS] or str(error.reason)
        if 400 <= error.code < 500 and error.code not in (408, 429):
            return PermanentDeliveryError(f"46elks refused the SMS (HTTP {error.code}): {reason}")
        return ConnectionError(f"46elks answered HTTP {error.code}: {reason}")

    @staticmethod
    def _message_id(answer: bytes) -> str | None:
        # Accepted: whatever the body holds, the message is on its way and must not be sent again.
        try:
            parsed = json.loads(answer)
        except ValueError:
            logger.warning("46elks accepted an SMS but its answer was not JSON; no delivery report can match it.")
            return None
        message_id = parsed.get("id") if isinstance(parsed, dict) else None
        if not isinstance(message_id, str) or not PROVIDER_ID.fullmatch(message_id):
            logger.warning("46elks accepted an SMS but its answer had no usable id.")
            return None
        return message_id


def sms_sender(organisation: Organisation) -> str:
    """The sender ID her SMS shows: the shelter's, unless it (stored around the form's check) names the shelter."""
    sender = organisation.sms_sender or DEFAULT_SENDER
    if sms_sender_names_shelter(sender, name=organisation.name, slug=organisation.slug):
        return DEFAULT_SENDER
    return sender


def report_token(notice_id: int) -> str:
    """The delivery-report URL's key: the notice's id and a salted HMAC of it (deterministic)."""
    return signing.Signer(salt=REPORT_SALT).sign(str(notice_id))


def report_url(notice: Notice) -> str:
    """The absolute URL 46elks posts this notice's delivery report to (outside any shelter's address)."""
    path = reverse("sms_delivery_report", kwargs={"token": report_token(notice.pk)})
    return f"{settings.SITE_URL}{path}"


def _notice_id(token: str) -> int | None:
    try:
        value = signing.Signer(salt=REPORT_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def sms_delivery_report(*, token: str, provider_id: str, status: str, delivered: str = "") -> bool:
    """Record 46elks's delivery report for the notice the token names. False (nothing changed) when the token is
    forged or altered, or the id is not that notice's own 46elks id; True for a genuine report, whether it moved
    the notice or not: "delivered" marks a sent notice delivered (at 46elks's time), "failed" marks it failed with
    the reason; a notice no longer "sent" (a repeat, a late report) and any other status change nothing.
    One conditional UPDATE, so two reports at once cannot both move it."""
    notice_id = _notice_id(token)
    if notice_id is None or not PROVIDER_ID.fullmatch(provider_id):
        return False
    genuine = Notice.objects.filter(pk=notice_id, provider_ref=provider_id)
    still_sent = genuine.filter(status=NoticeStatus.SENT)
    # In doubt: 46elks never said its id, so the token alone names the notice; the report settles it.
    in_doubt = Notice.objects.filter(pk=notice_id, provider_ref="", status=NoticeStatus.IN_DOUBT, channel=Channel.SMS)
    if status == "delivered":
        when = _delivered_at(delivered)
        moved = still_sent.update(status=NoticeStatus.DELIVERED, delivered_at=when) or in_doubt.update(
            status=NoticeStatus.DELIVERED, delivered_at=when, provider_ref=provider_id
        )
    elif status == "failed":
        moved = still_sent.update(status=NoticeStatus.FAILED, last_error=REPORT_FAILED_REASON) or in_doubt.update(
            status=NoticeStatus.FAILED, last_error=REPORT_FAILED_REASON, provider_ref=provider_id
        )
    else:
        moved = 0  # "sent" (handed to the carrier) or a status we do not know: nothing to record
    if moved:
        logger.info("SMS notice %s: delivery report %r recorded.", notice_id, status)
        return True
    return genuine.exists()


def _delivered_at(value: str) -> datetime:
    """46elks's delivery time (UTC, ISO 8601, usually without an offset); now when it is missing or absurd."""
    now = timezone.now()
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, TypeError):
        return now
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not now - timedelta(days=30) <= parsed <= now + timedelta(minutes=5):
        return now
    return parsed


def check_sms_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check`: the 46elks backend needs its credentials, and sends them only over https."""
    if settings.SMS_BACKEND != BACKEND_PATH:
        return []
    problems: list[checks.CheckMessage] = []
    missing = [name for name in ("ELKS_API_USERNAME", "ELKS_API_PASSWORD") if not getattr(settings, name, "")]
    if missing:
        problems.append(
            checks.Error(
                f"SMS_BACKEND is the 46elks backend, but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'}"
                " not set: every SMS would be refused.",
                hint="Set them from the API credentials on 46elks's account page, or unset SMS_BACKEND.",
                id="notices.E010",
            )
        )
    parts = urlsplit(settings.ELKS_API_URL)
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        problems.append(
            checks.Error(
                "ELKS_API_URL must be an https:// address: the API password is sent with every SMS.",
                id="notices.E011",
            )
        )
    return problems
