"""Validators shared by the apps' models (members, trainings and shifts use them on their own fields)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every character Python's str.splitlines() breaks a line at: CR and LF, and the rarer ones (vertical tab,
# form feed, the file/group/record separators, NEL, the Unicode line and paragraph separators) that a
# calendar file, a CSV line or an e-mail header would break at too.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def single_line(value: object) -> None:
    """Refuse a line break in a field that is shown on one line (a name, a place, a reference): it would
    break the calendar feed, a mail's subject line or a spreadsheet row."""
    if isinstance(value, str) and not LINE_BREAKS.isdisjoint(value):
        raise ValidationError(_("Write this on one line, without line breaks."), code="single_line")


# Words that tell a reader of her lock screen what the sender is (ASCII-folded: a sender ID is a–z and digits):
# a shelter, its movement, its federations, what it works against.
SHELTER_WORDS = ("kvinn", "tjej", "jour", "skydd", "unizon", "roks", "shelter", "vald", "brott", "frid", "stod")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def _fold(text: str) -> str:
    return text.casefold().translate(_FOLD)


def sms_sender_names_shelter(sender: str, *, name: str, slug: str) -> bool:
    """Whether an SMS sender ID would tell whom it comes from: it holds a word of the shelter's name or address
    (four letters or more) or a word like "jour" or "kvinno"; "Jourplan" itself is allowed."""
    folded = _fold(sender).replace("jourplan", "")
    if not folded:
        return False
    if any(word in folded for word in SHELTER_WORDS):
        return True
    words = re.split(r"[^a-z0-9]+", f"{_fold(name)} {_fold(slug)}")
    return any(len(word) >= 4 and (word in folded or (len(folded) >= 4 and folded in word)) for word in words)


def validate_sms_sender(sender: str, *, name: str, slug: str) -> None:
    if sms_sender_names_shelter(sender, name=name, slug=slug):
        raise ValidationError(
            _(
                "The SMS sender must not reveal who is writing: no part of the shelter's name or address, and no "
                'words like "jour" or "kvinno". "Jourplan" is always fine.'
            ),
            code="sms_sender_names_shelter",
        )
