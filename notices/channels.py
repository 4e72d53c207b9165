"""Delivery channels. SMS: a provider plugs in by a class with `send(to, text, *, sender, report_url)`, named in
settings.SMS_BACKEND (`notices.sms.ElksSmsBackend` for 46elks), built with `timeout=settings.SMS_TIMEOUT` (seconds)
that bounds each of its waits on the provider. E-mail: Django's backend from EMAIL_URL; its SMTP backend is
replaced by `SmtpEmailBackend`, which tells a message the server never answered for (in doubt) from one it never
took (not sent)."""

import logging
import smtplib
from typing import Any, Protocol

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DeliveryInDoubt(Exception):  # noqa: N818  (a control-flow signal, not an error)
    """Raised by a channel when the message was handed over but no answer came (e.g. the mail server took the
    whole message and then went silent): it may or may not have been delivered, so it is never sent again."""


class PermanentDeliveryError(Exception):
    """Raised by a channel when the provider refused the message for good (a bad number, a push subscription
    that is gone): the notice is marked failed with the reason at once, never retried."""


class SmsBackend(Protocol):
    def __init__(self, *, timeout: float) -> None: ...

    def send(self, to: str, text: str, *, sender: str = "Jourplan", report_url: str = "") -> str | None:
        """Send `text` to the E.164 number `to` from the text sender ID `sender` (the shelter's, naming no
        shelter); the provider posts its delivery report to `report_url` (when given). Returns the provider's id
        for the message (for that report). Raises PermanentDeliveryError when the provider refused it for good,
        any other error when it may be tried again later."""
        ...


class LoggingSmsBackend:
    """Writes the SMS to the log instead of sending it (development and until a provider is chosen). It keeps
    nothing: a worker that runs for months must not grow a list of everything it sent."""

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout  # nothing to wait for; a provider's backend passes it to every request

    def send(self, to: str, text: str, *, sender: str = "Jourplan", report_url: str = "") -> None:
        logger.info("SMS to %s from %s: %s", to, sender, text)


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)(timeout=settings.SMS_TIMEOUT)
    return backend


class _HandOverTracking:
    """smtplib.SMTP that notes when the whole message (ending CRLF.CRLF, after DATA's 354) has been written."""

    handed_over = False

    def send(self, s: Any) -> None:
        super().send(s)  # type: ignore[misc]
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


class _Smtp(_HandOverTracking, smtplib.SMTP):
    pass


class _SmtpSsl(_HandOverTracking, smtplib.SMTP_SSL):
    pass


class SmtpEmailBackend(DjangoSmtpBackend):
    """Django's SMTP backend (every wait bounded by EMAIL_TIMEOUT) that raises DeliveryInDoubt when the server
    took the whole message and then failed to answer: it may already be on its way. Any earlier failure
    (refused, frozen at the greeting, recipient refused) is an ordinary error: nothing was handed over."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _SmtpSsl if self.use_ssl else _Smtp

    def _send(self, email_message: Any) -> bool:
        if isinstance(self.connection, _HandOverTracking):
            self.connection.handed_over = False  # one flag per message on a connection that sends several
        try:
            return bool(super()._send(email_message))  # type: ignore[misc]
        except Exception as exc:
            if getattr(self.connection, "handed_over", False):
                raise DeliveryInDoubt(f"The mail server took the message but did not confirm it: {exc!r}") from exc
            raise
