"""The installable portal (issue 18): the web app manifest, the service worker and the offline page.

All three live outside any shelter's address and hold no personal data: a browser fetches the manifest without
cookies, the service worker precaches the offline page without cookies, and the second-factor middleware lets
them through (members.middleware.ALLOWED_PATHS).

The service worker's source is static/js/sw.js; `service_worker` serves it at the site's root (so its scope is the
whole site) with its settings in front as `self.JOURPLAN = {...}`: the URLs to precache (through `static()`, so the
hashed names of production's manifest storage), the logout and login paths, the header a page sets to be kept for
offline use (OFFLINE_COPY_HEADER: only "Mina pass" sets it), and the notification's fallback text in her language.
Its `version` is a digest of all that, so a new deployment's assets are a new worker that replaces the old caches.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# A response with this header set to "1" may be kept by the service worker for offline use (one copy per path).
OFFLINE_COPY_HEADER = "Jourplan-Offline-Copy"
# The header band's colour (--c-header in static/css/jourplan.css): the same in the light and the dark scheme.
THEME_COLOUR = "#1f2a37"
# The page background (--c-bg), light scheme: the splash screen while the portal starts.
BACKGROUND_COLOUR = "#f4f5f7"
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-192.png", "192x192", "maskable"),
    ("icons/maskable-512.png", "512x512", "maskable"),
)
# What the offline copy of "Mina pass" needs to look like itself, and the offline page.
PRECACHED_STATIC = (
    "css/jourplan.css",
    "js/jourplan.js",
    "js/pwa.js",
    "vendor/htmx/htmx.min.js",
    "img/favicon.svg",
    "icons/icon-192.png",
)


def mark_for_offline(response: HttpResponse) -> HttpResponse:
    """Let the service worker keep this response for offline use. Only for her own pages that are worth it offline
    ("Mina pass"): whatever is marked stays on her device until she logs out."""
    response[OFFLINE_COPY_HEADER] = "1"
    return response


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest. Named "Jourplan" only: a home screen shows no shelter's name."""
    body = {
        "id": "/",
        "name": "Jourplan",
        "short_name": "Jourplan",
        "description": _("Your shifts"),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _worker_settings() -> dict[str, Any]:
    offline_url = reverse("pwa_offline")
    return {
        "precache": [static(path) for path in PRECACHED_STATIC] + [offline_url],
        "offlineUrl": offline_url,
        "staticPrefix": static(""),
        "logoutPath": reverse("account_logout"),
        "loginPath": reverse("account_login"),
        "offlineHeader": OFFLINE_COPY_HEADER,
        "notification": {
            "title": "Jourplan",
            "body": _("Open Jourplan to read it."),
            "icon": static("icons/icon-192.png"),
            "lang": get_language(),
        },
    }


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at /sw.js, scope the whole site, always checked for a newer version."""
    path = finders.find("js/sw.js")
    if not path or isinstance(path, list):
        raise Http404
    with open(path, encoding="utf-8") as file:
        source = file.read()
    config = _worker_settings()
    version = hashlib.sha256((json.dumps(config, sort_keys=True) + source).encode()).hexdigest()[:16]
    config["version"] = version
    text = f"self.JOURPLAN = {json.dumps(config, ensure_ascii=False)};\n{source}"
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows offline for any page it has no copy of. Rendered without the request (no
    session, no user, no shelter): the service worker stores it, so it must hold nothing about anyone."""
    response = HttpResponse(render_to_string("offline.html"))
    response["Cache-Control"] = "no-cache"
    return response
