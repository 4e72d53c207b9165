"""The installable portal's files (issue 18, core/pwa.py): the manifest, the service worker and the offline page are
served by Jourplan itself with the headers a browser needs, name no shelter, and only "Mina pass" is marked to be
kept for offline use."""

import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from core.pwa import OFFLINE_COPY_HEADER
from tests.conftest import log_in


def test_the_manifest_names_jourplan_only_and_its_icons_exist(client, organisation, volunteer):
    log_in(client, volunteer)
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["short_name"]) == ("Jourplan", "Jourplan")
    assert organisation.name not in response.content.decode()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#1f2a37"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/" + settings.STATIC_URL.strip("/") + "/"))
        assert path, icon["src"]
        with open(path, "rb") as file:
            head = file.read(24)
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and f"{width}x{height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    text = response.content.decode()
    config = json.loads(text.split("\n", 1)[0].removeprefix("self.JOURPLAN = ").removesuffix(";"))
    assert config["offlineUrl"] == "/offline/" and "/offline/" in config["precache"]
    assert config["logoutPath"] == reverse("account_logout")
    assert config["offlineHeader"] == OFFLINE_COPY_HEADER
    assert "addEventListener('push'" in text and "addEventListener('notificationclick'" in text


def test_the_offline_page_is_swedish_and_about_nobody(client, organisation, volunteer):
    log_in(client, volunteer)
    response = client.get("/offline/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ingen anslutning" in page
    assert organisation.name not in page and volunteer.first_name not in page
    assert "csrfmiddlewaretoken" not in page


def test_only_mina_pass_is_marked_to_be_kept_offline(client, organisation, volunteer):
    log_in(client, volunteer)
    mine = client.get(reverse("shifts:portal_mine", kwargs={"organisation": organisation.slug}))
    assert mine[OFFLINE_COPY_HEADER] == "1"
    page = mine.content.decode()
    # The stale-copy banner is there, hidden: the service worker shows it only on the copy it serves offline.
    assert "data-offline-banner hidden>Sparad kopia från" in page
    for name in ("members:portal", "members:profile", "members:devices", "shifts:portal_open", "members:my_data"):
        response = client.get(reverse(name, kwargs={"organisation": organisation.slug}))
        assert response.status_code == 200 and OFFLINE_COPY_HEADER not in response, name


def test_a_coordinator_who_owes_her_second_factor_still_gets_the_worker(client, coordinator):
    log_in(client, coordinator, second_factor=False)
    for path in ("/sw.js", "/manifest.webmanifest", "/offline/"):
        assert client.get(path).status_code == 200, path


def test_every_page_links_the_manifest_and_registers_the_worker(client, organisation, volunteer):
    log_in(client, volunteer)
    page = client.get(reverse("members:portal", kwargs={"organisation": organisation.slug})).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#1f2a37">' in page
    assert 'data-sw="/sw.js"' in page


def test_the_policy_names_the_worker_and_the_manifest(client):
    policy = client.get("/offline/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
