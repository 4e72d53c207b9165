"""Steps the coordinator journeys share: a TOTP code as her authenticator app shows it, and test data."""

import base64
import hashlib
import hmac
import re
import struct
import time

from allauth.mfa import app_settings


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows now (RFC 6238, as allauth.mfa.totp.internal.auth computes it):
    HMAC-SHA1 of the 30-second counter, dynamically truncated, the last TOTP_DIGITS decimal digits."""
    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**app_settings.TOTP_DIGITS:0{app_settings.TOTP_DIGITS}}"


def tab_to(page, name: str, *, backwards: bool = False, presses: int = 80):
    """Press Tab (or Shift+Tab) until the focused element's text or accessible label is `name`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(presses):
        page.keyboard.press(key)
        label = page.evaluate(
            """() => {
                const el = document.activeElement;
                return (el.getAttribute('aria-label') || el.innerText || el.value || '').trim();
            }"""
        )
        if label == name:
            return
    raise AssertionError(f"{presses} presses of {key} never reached {name!r}")


def assert_focus_visible(page):
    """The focused element shows a focus ring (an outline or a box shadow) a sighted keyboard user can see."""
    style = page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow,
                    tag: document.activeElement.outerHTML.slice(0, 80)};
        }"""
    )
    visible = (style["style"] != "none" and style["width"] >= 2) or style["shadow"] != "none"
    assert visible, f"no visible focus on {style['tag']}: {style}"


def field(page, label: str):
    """The form control labelled `label` (Django's label ends in a colon; capitals may differ)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$", re.IGNORECASE))
