/* Tevreden widget glue: resize and close messages to the host page, record a score on a
   pointer choice (arrow keys only move), Enter to send, the comment counter. */
(function () {
  'use strict';
  var body = document.body;
  var origin = body.getAttribute('data-origin');
  var framed = window.parent !== window;
  var pointing = false;

  // Only to the host page's own origin, which the server checked against the site's list.
  function send(message) {
    if (origin && framed) window.parent.postMessage(message, origin);
  }

  function resize() {
    send({tevreden: 'resize', height: Math.ceil(document.documentElement.getBoundingClientRect().height)});
  }

  function close() {
    send({tevreden: 'close'});
  }

  // htmx notes the page address in sessionStorage for a history feature the widget does not
  // use: keep nothing in the visitor's browser.
  try { sessionStorage.removeItem('htmx-current-path-for-history'); } catch (e) { /* no storage */ }

  if (window.ResizeObserver) new ResizeObserver(resize).observe(document.documentElement);
  resize();

  document.addEventListener('click', function (event) {
    if (event.target.closest('[data-close]')) close();
  });

  document.addEventListener('pointerdown', function () { pointing = true; });

  document.addEventListener('keydown', function (event) {
    var target = event.target;
    pointing = false;
    if (event.key === 'Escape' && body.classList.contains('popup')) close();
    if (event.key === 'Enter' && target.type === 'radio' && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
    }
  });

  document.addEventListener('change', function (event) {
    var target = event.target;
    if (pointing && target.name === 'score' && target.form) target.form.requestSubmit();
  });

  document.addEventListener('input', function (event) {
    var count = event.target.id === 'comment' && document.querySelector('[data-count]');
    if (count) count.textContent = event.target.value.length;
  });

  document.addEventListener('htmx:beforeRequest', function () {
    document.getElementById('status').textContent = '';
  });

  document.addEventListener('htmx:sendError', function () {
    var status = document.getElementById('status');
    status.textContent = status.getAttribute('data-offline');
  });

  // An invitation link with a score: record it at once (htmx is ready by now).
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.querySelector('form[data-autosubmit]');
    if (form) form.requestSubmit();
  });
})();
