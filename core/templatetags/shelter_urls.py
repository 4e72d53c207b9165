"""`{% shelter_url 'members:portal' as portal_url %}`: the URL of a page inside the current shelter
(`organisation` in the context), as `{% url 'members:portal' organisation=organisation.slug %}` gives it.

The menu on every page of a shelter links to up to twenty of its pages; reversing each URL on every request was a
tenth of the menu's cost (issue 16). A URL depends only on the URL configuration, the script prefix and the
shelter's slug, never on who asks, so each is reversed once per process and kept (at most `CACHED` of them).
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

CACHED = 4096


@lru_cache(maxsize=CACHED)
def _shelter_url(viewname: str, slug: str, prefix: str, urlconf: str | None) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs={"organisation": slug})


@register.simple_tag(takes_context=True)
def shelter_url(context: template.Context, viewname: str) -> str:
    urlconf = get_urlconf()
    return _shelter_url(viewname, context["organisation"].slug, get_script_prefix(), urlconf)
