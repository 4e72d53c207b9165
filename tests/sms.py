"""An SMS backend for tests that keeps what it was given (production's logging backend keeps nothing).

A test module points SMS_BACKEND here and clears `RecordingSmsBackend.sent` around each test:

    @pytest.fixture(autouse=True)
    def _sms(settings):
        settings.SMS_BACKEND = RECORDING
        RecordingSmsBackend.clear()
        yield
        RecordingSmsBackend.clear()

The real provider's backend (notices.sms) is tested against a local 46elks stand-in (tests/notices/elks_standin.py).
"""

from __future__ import annotations

RECORDING = "tests.sms.RecordingSmsBackend"


class RecordingSmsBackend:
    sent: list[tuple[str, str]] = []  # (to, text), in order
    options: list[dict[str, str]] = []  # the sender and report URL of each, in the same order

    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    def send(self, to: str, text: str, *, sender: str = "Jourplan", report_url: str = "") -> str:
        self.sent.append((to, text))
        self.options.append({"sender": sender, "report_url": report_url})
        return f"test{len(self.sent)}"

    @classmethod
    def clear(cls) -> None:
        cls.sent.clear()
        cls.options.clear()
