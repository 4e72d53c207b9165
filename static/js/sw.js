/* Jourplan's service worker (issue 18): the installable portal's offline copy of "Mina pass" and push
 * notifications. Served at /sw.js by core.pwa.service_worker, which puts its settings in front of this file as
 * `self.JOURPLAN = {...}` (version, precache URLs, the logout/login paths, the header that marks a page that may be
 * kept offline, the icon, the fallback notification text in her language). No third-party script, no eval.
 *
 * What it keeps, and nothing else:
 *  - the site's own CSS/JS/icons and the offline page (/offline/), precached at install, in a cache named after
 *    this version (older versions' caches are deleted on activation);
 *  - "Mina pass": a page whose response carries the header CONFIG.offlineHeader (only her own-shifts page sets
 *    it) is stored, per path (one per shelter), each time she opens it online. Offline, opening that path serves
 *    the stored copy with its hidden "Saved copy from … – may be out of date" banner revealed. Any other page with
 *    personal data is never stored: offline it gets the offline page.
 *  - The stored copies are deleted when she logs out or logs in (a POST to those paths, and a message from
 *    pwa.js), and a path's copy is deleted when opening it online no longer gives the page (her session ended, she
 *    left the shelter).
 */
'use strict';

var CONFIG = self.JOURPLAN;
var STATIC_CACHE = 'jourplan-static-' + CONFIG.version;
var MINE_CACHE = 'jourplan-mine';
var BANNER = /(data-offline-banner)\s+hidden\b/;

function mineKey(url) {
  // One copy per path: a query string or fragment never makes a second one.
  return new URL(url).origin + new URL(url).pathname;
}

function forgetCopies() {
  return caches.delete(MINE_CACHE);
}

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) {
        return cache.addAll(CONFIG.precache.map(function (url) {
          return new Request(url, { credentials: 'same-origin', cache: 'reload' });
        }));
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf('jourplan-static-') === 0 && name !== STATIC_CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('message', function (event) {
  if (event.origin && event.origin !== self.location.origin) { return; }
  if (event.data && event.data.type === 'forget') {
    event.waitUntil(forgetCopies());
  }
});

/* The stored copy, with its banner shown; headers (CSP included) as the page had them. */
function staleCopy(cached) {
  return cached.text().then(function (html) {
    var headers = new Headers(cached.headers);
    headers.delete('Content-Length');
    return new Response(html.replace(BANNER, '$1'), { status: 200, statusText: 'OK', headers: headers });
  });
}

function offlinePage() {
  return caches.open(STATIC_CACHE)
    .then(function (cache) { return cache.match(CONFIG.offlineUrl); })
    .then(function (page) { return page || Response.error(); });
}

function navigate(event) {
  var request = event.request;
  var key = mineKey(request.url);
  var network = fetch(request).then(function (response) {
    if (response.status >= 502 && response.status <= 504) {
      // The server is down behind its proxy: like no network at all, when a copy is there.
      return caches.open(MINE_CACHE).then(function (cache) {
        return cache.match(key, { ignoreVary: true });
      }).then(function (cached) { return cached ? staleCopy(cached) : response; });
    }
    var keep = response.status === 200 && !response.redirected && response.type === 'basic' &&
      response.headers.get(CONFIG.offlineHeader) === '1';
    var copy = keep ? response.clone() : null;  // now: the browser starts reading the response once it is returned
    var stored = caches.open(MINE_CACHE).then(function (cache) {
      if (copy) { return cache.put(key, copy); }
      // Not (or no longer) her page at this path: an ended session's login page, a 404 after she left.
      return cache.delete(key, { ignoreVary: true });
    });
    event.waitUntil(stored.catch(function () {}));
    return response;
  });
  return network.catch(function () {
    return caches.open(MINE_CACHE)
      .then(function (cache) { return cache.match(key, { ignoreVary: true }); })
      .then(function (cached) { return cached ? staleCopy(cached) : offlinePage(); });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== 'GET') {
    if (request.method === 'POST' && (url.pathname === CONFIG.logoutPath || url.pathname === CONFIG.loginPath)) {
      event.waitUntil(forgetCopies());  // the request itself goes to the network as usual
    }
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
    return;
  }
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) {
    // Fresh from the network when there is one, the precached copy when not.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(STATIC_CACHE).then(function (cache) {
        return cache.match(request, { ignoreSearch: true, ignoreVary: true });
      }).then(function (cached) { return cached || Response.error(); });
    }));
  }
});

/* Push: {"title", "body", "url", "tag"} from notices/push.py. A message that cannot be read still shows something
 * (userVisibleOnly), in her language and discreet. */
function sameOriginUrl(candidate) {
  try {
    var url = new URL(candidate, self.location.origin);
    if (url.origin === self.location.origin) { return url.href; }
  } catch (e) { /* not a URL */ }
  return new URL('/', self.location.origin).href;
}

function text(value, fallback, limit) {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, limit) : fallback;
}

self.addEventListener('push', function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  if (!data || typeof data !== 'object') { data = {}; }
  var title = text(data.title, CONFIG.notification.title, 100);
  var options = {
    body: text(data.body, CONFIG.notification.body, 300),
    tag: text(data.tag, 'jourplan', 64),
    icon: CONFIG.notification.icon,
    lang: CONFIG.notification.lang,
    data: { url: sameOriginUrl(data.url || '/') }
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (windows[i].url === target && 'focus' in windows[i]) { return windows[i].focus(); }
      }
      return self.clients.openWindow(target);
    })
  );
});
