"""Validators shared by the apps' models (members, trainings and shifts use them on their own fields)."""

from __future__ import annotations

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
