"""SMS backends. A provider plugs in by a class with `send(to, text)`, named in settings.SMS_BACKEND."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Writes the SMS to the log instead of sending it (development and until a provider is chosen)."""

    sent: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)
        self.sent.append((to, text))


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
