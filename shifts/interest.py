"""The kinds of work the public interest form offers from the rota (settings.INTEREST_KIND_SOURCES): the kinds of
the shelter's active lines, by the kind's label only. A line's own name is never shown on the public page: it may
say where a protected housing is."""

from __future__ import annotations

from core.models import Organisation

from .models import Line, LineKind


def line_kinds(organisation: Organisation) -> list[tuple[str, str]]:
    """(code, label) for each kind of line the shelter runs now, in the kinds' order; "other" lines are left to
    the form's own "something else"."""
    running = set(Line.objects.for_organisation(organisation).active().values_list("kind", flat=True))
    return [(f"line:{kind.value}", str(kind.label)) for kind in LineKind if kind in running and kind != LineKind.OTHER]
