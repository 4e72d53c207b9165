"""The portal's shift card, rendered in Python: `{% shift_card card %}` (load `shift_cards`).

The open-shifts page shows up to forty cards and her offers; as template nodes (about twenty-five a card) they
were a quarter of the page's time at a real shelter's density (issue 16). Every word and URL of a card comes ready
from shifts/portal.py's `Card`; this only puts them into the card's markup, escaping each text (a text that is
already safe HTML is kept, as the template's auto-escaping does). This is the card's markup, the one place to change
it; templates/shifts/partials/shift_card.html renders one card with this tag (the htmx answer for one card).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..portal import Card

register = template.Library()


def _text(value: Any) -> str:
    """What `{{ value }}` prints: safe HTML as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


# What a context without a request holds instead of a token (django.template.context_processors.csrf).
_NO_TOKEN = "NOTPROVIDED"  # noqa: S105 — a marker, not a secret


def _csrf_input(token: Any) -> str:
    """What `{% csrf_token %}` prints (nothing where the page has no token)."""
    if not token or token == _NO_TOKEN:
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_text(token)}">'


def render_card(card: Card, csrf_token: Any) -> SafeString:
    """One `<li class="shift-card …">`: its time, line, staffing and badges, the colleagues on it, her notes, the
    reasons she cannot take it, and its buttons (each a POST form that htmx sends, replacing the card)."""
    shift = card.shift
    staffing = ""
    if card.staffing:
        needs_more = f" – <strong>{_text(card.needs_more)}</strong>" if card.needs_more else ""
        staffing = f', <span class="shift-card-staffing">{_text(card.staffing)}{needs_more}</span>'
    badges = "".join(
        f' <span class="{_text(badge.css)}">{_text(badge.text)}</span>'
        if badge.css
        else f" <span>{_text(badge.text)}</span>"
        for badge in card.badges
    )
    parts = [
        f'<li class="shift-card {_text(shift.line.css_colour)}">\n  <div class="shift-card-body">\n'
        f'    <p class="shift-card-title"><time datetime="{_text(card.starts_iso)}">{_text(card.when)}</time></p>\n'
        f'    <p class="shift-card-meta"><span>{_text(shift.line.name)}{staffing}</span>{badges}</p>'
    ]
    if card.co_volunteers:
        said = card.words
        others = []
        for other in card.co_volunteers:
            shadow = f" ({_text(said.shadow)})" if other.shadow else ""
            phone = f' <a href="tel:{_text(other.phone)}">{_text(other.phone)}</a>' if other.phone else ""
            others.append(f"{_text(other.first_name)}{shadow}{phone}")
        parts.append(f'\n    <p class="shift-card-meta"><span>{_text(said.with_label)} {", ".join(others)}</span></p>')
    if card.release_note:
        parts.append(f'\n    <p class="shift-card-meta"><span>{_text(card.release_note)}</span></p>')
    if card.note:
        kind = "badge-ok" if card.note_kind == "success" else "badge-under"
        parts.append(
            f'\n    <p class="shift-card-meta" role="status"><span class="badge {kind}">{_text(card.note_label)}</span>'
            f" <span>{_text(card.note)}</span></p>"
        )
    if card.reasons:
        reasons = "".join(f"<li>{_text(reason)}</li>" for reason in card.reasons)
        parts.append(f'\n    <ul class="small shift-card-reasons">{reasons}</ul>')
    parts.append("\n  </div>")
    if card.actions:
        csrf = _csrf_input(csrf_token)
        forms = []
        for action in card.actions:
            url = _text(action.url)
            confirm = '<input type="hidden" name="confirm" value="away">' if action.confirm else ""
            kind = "btn-primary" if action.primary else "btn-secondary"
            forms.append(
                f'<form method="post" action="{url}" hx-post="{url}" hx-target="closest li" hx-swap="outerHTML">'
                f'{csrf}{confirm}<button class="btn {kind}">{_text(action.label)}</button></form>'
            )
        parts.append(f'\n  <div class="shift-card-action">{"".join(forms)}</div>')
    parts.append("\n</li>\n")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above


@register.simple_tag(takes_context=True)
def shift_card(context: template.Context, card: Card) -> SafeString:
    return render_card(card, context.get("csrf_token"))
