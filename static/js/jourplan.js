/* Jourplan progressive enhancement. No dependencies; load with
 *   <script src="{% static 'js/jourplan.js' %}" defer></script>
 * CSP-safe: no inline scripts/handlers, no eval, no inline styles.
 *
 *  - <html> gets class "js"  -> CSS hides .js-hide elements (e.g. the language
 *    switch's submit button, which stays for users without JS).
 *  - <button type="button" data-copy="#some-id" data-copied-label="Kopierat!">
 *    copies the value (inputs/textareas) or text of #some-id to the clipboard
 *    and shows data-copied-label for 2 s. Give the button aria-live-friendly
 *    text; the status is also announced through a polite live region.
 *  - <select data-autosubmit> submits its form on change.
 *  - <form data-confirm="Are you sure?"> asks confirm() before submitting.
 *  - Escape closes the open phone menu (<details class="nav-menu">) and focuses
 *    its "Menu" button.
 *  - After htmx replaces the part of the page that held the focus (a shift card,
 *    the main area), focus moves to what replaced it: its warning (role=alert)
 *    if any, else the new part itself, so keyboard and screen-reader users are
 *    not sent back to the top of the page.
 */
(function () {
  'use strict';

  var doc = document;
  doc.documentElement.classList.add('js');

  var liveRegion = null;
  function announce(text) {
    if (!liveRegion) {
      liveRegion = doc.createElement('div');
      liveRegion.className = 'visually-hidden';
      liveRegion.setAttribute('aria-live', 'polite');
      liveRegion.setAttribute('role', 'status');
      doc.body.appendChild(liveRegion);
    }
    liveRegion.textContent = '';
    window.setTimeout(function () { liveRegion.textContent = text; }, 50);
  }

  function textOf(el) {
    if ('value' in el && typeof el.value === 'string' &&
        /^(INPUT|TEXTAREA|SELECT|OUTPUT)$/.test(el.tagName)) {
      return el.value;
    }
    return (el.textContent || '').trim();
  }

  function fallbackCopy(text) {
    var ta = doc.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.className = 'visually-hidden';
    doc.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = doc.execCommand('copy'); } catch (e) { ok = false; }
    doc.body.removeChild(ta);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function onCopyClick(button) {
    var selector = button.getAttribute('data-copy');
    var target = null;
    try { target = selector ? doc.querySelector(selector) : null; } catch (e) { target = null; }
    if (!target) { return; }
    copyText(textOf(target)).then(function () {
      var copied = button.getAttribute('data-copied-label');
      if (!copied) { return; }
      if (!button.hasAttribute('data-original-label')) {
        button.setAttribute('data-original-label', button.textContent);
      }
      button.textContent = copied;
      announce(copied);
      window.clearTimeout(button._jpTimer);
      button._jpTimer = window.setTimeout(function () {
        button.textContent = button.getAttribute('data-original-label');
        button.removeAttribute('data-original-label');
      }, 2000);
    }, function () {
      /* Copy not possible: select the text so the user can copy by hand. */
      if (target.select) { target.focus(); target.select(); }
    });
  }

  doc.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-copy]') : null;
    if (button) {
      event.preventDefault();
      onCopyClick(button);
    }
  });

  doc.addEventListener('change', function (event) {
    var select = event.target;
    if (select && select.matches && select.matches('select[data-autosubmit]') && select.form) {
      if (typeof select.form.requestSubmit === 'function') {
        select.form.requestSubmit();
      } else {
        select.form.submit();
      }
    }
  });

  /* Capture phase so the check runs before htmx or other submit listeners. */
  doc.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-confirm')) { return; }
    var message = form.getAttribute('data-confirm');
    if (!window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* The phone menu (<details class="nav-menu">) opens and closes without JavaScript; Escape closes it too and
     gives the focus back to its "Menu" button. */
  doc.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    var menu = doc.querySelector('.nav-menu[open]');
    var button = menu && menu.querySelector('summary');
    if (button && getComputedStyle(button).display !== 'none') {
      menu.open = false;
      button.focus();
    }
  });

  var focusHome = null;
  doc.addEventListener('htmx:beforeSwap', function (event) {
    var target = event.detail && event.detail.target;
    focusHome = null;
    if (target && target.contains(doc.activeElement)) {
      focusHome = { id: target.id, parent: target.parentNode, before: target.previousElementSibling };
    }
  });

  doc.addEventListener('htmx:afterSettle', function () {
    var home = focusHome;
    focusHome = null;
    if (!home || (doc.activeElement && doc.activeElement !== doc.body && doc.contains(doc.activeElement))) {
      return;
    }
    var fresh = home.id ? doc.getElementById(home.id) : null;
    if (!fresh && home.parent && doc.contains(home.parent)) {
      fresh = home.before && home.before.parentNode === home.parent
        ? home.before.nextElementSibling : home.parent.firstElementChild;
    }
    if (!fresh) { return; }
    var spot = fresh.querySelector('[role="alert"]') || fresh;
    if (!spot.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(spot.tagName)) {
      spot.setAttribute('tabindex', '-1');
    }
    spot.focus();
  });
})();
