"""Secrets in URLs never reach a log: calendar-feed tokens, password-reset and invitation keys.

The database keeps only a hash of a feed token, and a reset key is as good as a password for a day; a log
line with the raw value would undo that. The secret-bearing paths are:

- /<shelter>/calendar/feed/<token>.ics (shifts.urls; calendar apps cannot log in, the token is the login);
- /accounts/password/reset/key/<uidb36>-<key>/ (allauth; invitations are sent as this reset link too,
  see members.notices);
- /accounts/confirm-email/<key>/ (allauth's e-mail confirmation);
- any query parameter named like a secret (token, key, code, secret, password, signature).

`redact()` is the one function; config.gunicorn's access logger and `RedactSecrets`, a logging.Filter on
the console handler and on django.request and django.server (settings.LOGGING), both use it. A path sent
percent-encoded (%2F for /) is caught too: its decoded form is checked as well.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

REDACTED = "[redacted]"

_END = r"[^/?#&\s\"'<>]+"
_PATTERNS = (
    # A feed token, keeping ".ics" so the line still says what was asked for.
    (re.compile(rf"(/calendar/feed/){_END}?(?=\.ics\b)"), rf"\g<1>{REDACTED}"),
    (re.compile(rf"(/calendar/feed/)(?!{re.escape(REDACTED)}){_END}"), rf"\g<1>{REDACTED}"),
    # allauth's reset (and invitation) link; "done/" holds no key.
    (re.compile(rf"(/password/reset/key/)(?!done/){_END}"), rf"\g<1>{REDACTED}"),
    (re.compile(rf"(/confirm-email/){_END}"), rf"\g<1>{REDACTED}"),
    (
        re.compile(r"([?&;](?:[\w.-]*(?:token|key|code|secret|password|signature)[\w.-]*)=)[^&#\s\"'<>]*", re.I),
        rf"\g<1>{REDACTED}",
    ),
)


def _apply(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact(text: str) -> str:
    """The text with every secret in a URL replaced by [redacted]; other text is left as it was."""
    if not isinstance(text, str):
        return text
    redacted = _apply(text)
    if "%" in redacted:
        # /shelter/calendar%2Ffeed/… reaches the same view; log the decoded, redacted form instead.
        decoded = unquote(redacted)
        cleaned = _apply(decoded)
        if cleaned != decoded:
            return cleaned
    return redacted


class RedactSecrets(logging.Filter):
    """Rewrite a record's message with its secrets redacted (the record is kept, never dropped)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging call's problem; leave it to the formatter
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
