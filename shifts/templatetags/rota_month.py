"""The month rota's shift lines, rendered in Python.

A month grid shows up to nine shifts a day for five or six weeks (about 300 lines at a real shelter's density);
as template nodes they were half of the page's time (issue 16). Each line is one `<li>` whose every text is
escaped here; the markup is the one the template had, and `shifts/rota_month.html` documents it beside the call.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..selectors import RotaShift

register = template.Library()

# Between two lines, and after the last: the template's own line break and indentation.
_BREAK = "\n    "


def _month_item(shift: RotaShift) -> str:
    mark = f' <span class="{escape(shift.mark_class)}">{escape(shift.mark)}</span>' if shift.alert else ""
    risk = f' <span class="badge badge-warning">{escape(shift.risk)}</span>' if shift.risk else ""
    return (
        f'<li class="{escape(shift.line_class)}"><a href="{escape(shift.href)}">{escape(shift.short_label)}</a> '
        f'<span class="rota-count">{escape(shift.count_text)}</span>{mark}{risk}</li>{_BREAK}'
    )


@register.filter
def month_items(shifts: Iterable[RotaShift]) -> SafeString:
    """`<li class="line-colour-3"><a href="…">20:00 Jourtelefon</a> <span class="rota-count">1 av 2</span>` and,
    for a gap or a cancelled shift, its mark; for a shift held by someone away, the risk."""
    return mark_safe("".join(_month_item(shift) for shift in shifts))  # noqa: S308 — every text is escaped above
