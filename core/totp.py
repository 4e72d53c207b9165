"""A TOTP code opens the door once: the time step it was accepted for is kept in the database.

allauth remembers used TOTP codes in the cache (`cache.add` of a "used" key). Our cache is Redis, made
tolerant of outages (core/cache.py), and a tolerant `add` reports "added" while Redis is down, so a
code seen over someone's shoulder could be replayed for those minutes; with the per-process LocMem cache
of the embedded set-up it could be replayed on another process at any time. A second factor must fail
closed, so the last accepted time step is kept on the authenticator's own row (allauth's `data` JSON, no
table of ours) and claimed under a row lock: a code for that step or an earlier one is refused, whatever
the cache says (RFC 6238, 5.2). allauth's cache check stays in front of ours; it only adds.

The forms are allauth's own, named in `MFA_FORMS` (its documented place for them): login and
re-authentication are the two places a TOTP code is taken as proof.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.base import forms as allauth_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp
from allauth.mfa.utils import decrypt
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

LAST_USED_STEP = "jourplan_last_used_step"

CODE_ALREADY_USED = _("This code has already been used. Wait for the next code in your app and enter that one.")


def _time_step_of(secret: str, code: str) -> int | None:
    """The time step (HOTP counter) within the accepted window that `code` belongs to, if any."""
    step: int
    for step in totp.yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=totp.format_hotp_value(totp.hotp_value(secret, step))):
            return step
    return None


@transaction.atomic
def totp_code_claim(*, authenticator: Authenticator, code: str) -> bool:
    """Claim `code` for this TOTP authenticator. True only for a valid code of a time step later than any
    accepted before; the step is then recorded, so the same code (or an older one) is refused from now on,
    on every process, with or without the cache. Concurrent claims of one code: one wins (row lock)."""
    locked = Authenticator.objects.select_for_update().get(pk=authenticator.pk, type=Authenticator.Type.TOTP)
    step = _time_step_of(decrypt(locked.data["secret"]), code)
    if step is None:
        return False
    last = locked.data.get(LAST_USED_STEP)
    if last is not None and step <= last:
        return False
    locked.data[LAST_USED_STEP] = step
    locked.save(update_fields=["data"])
    authenticator.data = locked.data
    return True


if TYPE_CHECKING:
    # What the mixin is put in front of (its `authenticator`, `clean_code`); allauth ships no types.
    from allauth.mfa.base.forms import AuthenticateForm as _AllauthCodeForm
else:
    _AllauthCodeForm = object


class _ClaimTotpOnce(_AllauthCodeForm):
    """Put in front of allauth's form: its checks first, then the claim in the database."""

    def clean_code(self) -> str:
        code: str = super().clean_code()
        authenticator = self.authenticator
        if authenticator.type != Authenticator.Type.TOTP or totp._is_insecure_bypass(code):  # noqa: SLF001
            return code  # recovery codes are single-use in the database already (allauth)
        if not totp_code_claim(authenticator=authenticator, code=code):
            self._emit_authentication_failed(authenticator)
            # Also said when the code's 30 seconds ran out between allauth's check and ours: the advice fits.
            raise forms.ValidationError(CODE_ALREADY_USED, code="code_already_used")
        return code


class AuthenticateForm(_ClaimTotpOnce, allauth_forms.AuthenticateForm):
    """The code asked for after the password at login."""


class ReauthenticateForm(_ClaimTotpOnce, allauth_forms.ReauthenticateForm):
    """The code asked for before a sensitive page (and by our middleware before the coordinator pages)."""
