/* The installable portal's page side (issue 18). Loaded with defer from base.html and the offline page; CSP-safe
 * (no inline script, no eval, no inline style).
 *
 *  - Registers the service worker (<script data-sw="/sw.js">), scope "/".
 *  - Logging out (a form posting to the logout address, data-logout-form) tells the service worker to delete the
 *    saved copies of "Mina pass" (it also does so by itself when it sees the logout POST).
 *  - The offline page lists the saved copies this device holds ([data-offline-copies]).
 *  - The devices page ([data-push]): "Få aviseringar på den här enheten" asks for permission, subscribes the
 *    browser to push with the server's key and posts the subscription (JSON, CSRF header) to data-subscribe-url;
 *    "Stäng av" unsubscribes the browser and posts its endpoint to data-unsubscribe-url. Which of the two shows
 *    depends on whether this browser's subscription is one of the devices listed (rows carry data-device, the
 *    SHA-256 of the endpoint, so the page never holds the endpoint itself). Texts come from the template.
 */
(function () {
  'use strict';

  var doc = document;
  var script = doc.currentScript;
  var MINE_CACHE = 'jourplan-mine';
  var READY_TIMEOUT_MS = 10000;
  // A browser whose push service cannot be reached may never answer subscribe() (seen: Chromium without one).
  var SUBSCRIBE_TIMEOUT_MS = 20000;

  var workers = 'serviceWorker' in navigator;
  if (workers && script && script.getAttribute('data-sw')) {
    navigator.serviceWorker.register(script.getAttribute('data-sw'), { scope: '/' }).catch(function () {
      /* http on a non-local host, or a private window: the portal works without it */
    });
  }

  function tellWorkerToForget() {
    if (workers && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: 'forget' });
    }
  }

  doc.addEventListener('submit', function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute('data-logout-form')) { tellWorkerToForget(); }
  });

  /* --- the offline page ----------------------------------------------------------------------------------- */

  function listSavedCopies() {
    var list = doc.querySelector('[data-offline-copies]');
    var template = list && list.querySelector('[data-offline-copy-template]');
    if (!list || !template || !window.caches) { return; }
    window.caches.open(MINE_CACHE).then(function (cache) { return cache.keys(); }).then(function (requests) {
      requests.forEach(function (request) {
        var url = new URL(request.url);
        if (url.origin !== window.location.origin) { return; }
        var item = template.cloneNode(true);
        item.removeAttribute('data-offline-copy-template');
        item.hidden = false;
        var link = item.querySelector('a');
        link.href = url.pathname;
        if (requests.length > 1) { link.textContent += ' – ' + url.pathname.split('/')[1]; }
        list.appendChild(item);
      });
      list.hidden = requests.length === 0;
    }).catch(function () {});
  }

  /* --- push on the devices page ------------------------------------------------------------------------------ */

  function keyBytes(base64url) {
    var text = base64url.replace(/-/g, '+').replace(/_/g, '/');
    text += '===='.slice(0, (4 - text.length % 4) % 4);
    var raw = window.atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function sameBytes(buffer, bytes) {
    if (!buffer) { return false; }
    var view = new Uint8Array(buffer);
    if (view.length !== bytes.length) { return false; }
    for (var i = 0; i < view.length; i += 1) { if (view[i] !== bytes[i]) { return false; } }
    return true;
  }

  function sha256Hex(text) {
    return window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ('0' + b.toString(16)).slice(-2);
      }).join('');
    });
  }

  /* A refusal whose message (from the template) is for her; any other error gets the general text. */
  function Refusal(message) { this.message = message; }

  function withTimeout(promise, ms, message) {
    return new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () { reject(new Refusal(message)); }, ms);
      promise.then(function (value) { window.clearTimeout(timer); resolve(value); },
        function (error) { window.clearTimeout(timer); reject(error); });
    });
  }

  function wirePush(panel) {
    var say = panel.querySelector('[data-push-status]');
    var subscribeButton = panel.querySelector('[data-push-subscribe]');
    var unsubscribeButton = panel.querySelector('[data-push-unsubscribe]');
    var csrf = panel.querySelector('input[name="csrfmiddlewaretoken"]');
    var key = panel.getAttribute('data-key') || '';

    function show(state) {
      Array.prototype.forEach.call(panel.querySelectorAll('[data-push-state]'), function (el) {
        el.hidden = el.getAttribute('data-push-state') !== state;
      });
    }

    function failed(error) {
      busy(false);
      if (error instanceof Refusal) {
        tell(error.message);
      } else {
        // The browser's own refusal (no push service, blocked): its name helps whoever she asks for help.
        tell(panel.getAttribute('data-text-failed') + (error && error.name ? ' (' + error.name + ')' : ''));
      }
    }

    function tell(text) {
      say.textContent = '';
      window.setTimeout(function () { say.textContent = text; }, 50);
    }

    function busy(on) {
      subscribeButton.disabled = on;
      unsubscribeButton.disabled = on;
    }

    function post(url, body) {
      return window.fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf ? csrf.value : '' },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) { throw new Refusal(answer.error || panel.getAttribute('data-text-failed')); }
          return answer;
        });
      }, function () { throw new Refusal(panel.getAttribute('data-text-offline')); });
    }

    function registration() {
      return withTimeout(navigator.serviceWorker.ready, READY_TIMEOUT_MS, panel.getAttribute('data-text-failed'));
    }

    function refresh() {
      return registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
        if (!sub) { return false; }
        return sha256Hex(sub.endpoint).then(function (hash) {
          var row = panel.ownerDocument.querySelector('[data-device="' + hash + '"]');
          if (row) {
            var mark = row.querySelector('[data-this-device]');
            if (mark) { mark.hidden = false; }
          }
          return Boolean(row);
        });
      }).then(function (known) {
        // Blocked in the browser's settings: "on" cannot be reached from the page, but a device the server knows
        // can still be turned off.
        var blocked = !known && Notification.permission === 'denied';
        show(known ? 'on' : (blocked ? 'denied' : 'off'));
        subscribeButton.hidden = known || blocked;
        unsubscribeButton.hidden = !known;
      }).catch(function () {
        show('unsupported');
      });
    }

    subscribeButton.addEventListener('click', function () {
      busy(true);
      tell(panel.getAttribute('data-text-working'));
      var wanted = keyBytes(key);
      Notification.requestPermission().then(function (permission) {
        if (permission !== 'granted') {
          show('denied');
          throw new Refusal(panel.getAttribute('data-text-denied'));
        }
        return registration();
      }).then(function (reg) {
        return reg.pushManager.getSubscription().then(function (existing) {
          // A subscription made for another server key (the installation's key changed) cannot be used.
          if (existing && !sameBytes(existing.options && existing.options.applicationServerKey, wanted)) {
            return existing.unsubscribe().then(function () { return null; });
          }
          return existing;
        }).then(function (existing) {
          return existing || withTimeout(
            reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: wanted }),
            SUBSCRIBE_TIMEOUT_MS, panel.getAttribute('data-text-failed'));
        });
      }).then(function (subscription) {
        return post(panel.getAttribute('data-subscribe-url'), subscription.toJSON());
      }).then(function () {
        window.location.reload();
      }).catch(failed);
    });

    unsubscribeButton.addEventListener('click', function () {
      busy(true);
      tell(panel.getAttribute('data-text-working'));
      registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
        if (!sub) { return null; }
        var endpoint = sub.endpoint;
        return sub.unsubscribe().catch(function () { return false; }).then(function () { return endpoint; });
      }).then(function (endpoint) {
        return endpoint ? post(panel.getAttribute('data-unsubscribe-url'), { endpoint: endpoint }) : null;
      }).then(function () {
        window.location.reload();
      }).catch(failed);
    });

    var supported = workers && 'PushManager' in window && 'Notification' in window && window.isSecureContext &&
      window.crypto && window.crypto.subtle && key;
    if (!supported) {
      show('unsupported');
      return;
    }
    refresh();
  }

  function start() {
    listSavedCopies();
    var panel = doc.querySelector('[data-push]');
    if (panel) { wirePush(panel); }
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
