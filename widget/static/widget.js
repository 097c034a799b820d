/* Tevreden widget glue: resize and close messages to the host page, a chosen score is the
   answer, the comment counter.
   Choosing follows the ARIA radio group pattern: arrow keys (and Home/End) only move the
   choice along the scale, so a keyboard user can look before sending; a pointer click, Space
   (the radio's own activation) or Enter sends the focused score, chosen or not. A screen
   reader's "activate" is a click without our seeing the key, so it sends too. */
(function () {
  'use strict';
  var body = document.body;
  var origin = body.getAttribute('data-origin');
  var framed = window.parent !== window;
  var moving = false;  // the last key moves along the radio group: its click only chooses

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
    var target = event.target;
    if (target.closest('[data-close]')) close();
    // Browsers click a radio that arrow keys select: only other clicks send the score.
    if (target.name === 'score' && target.type === 'radio' && target.checked && !moving) {
      target.form.requestSubmit();
    }
    moving = false;
  });

  document.addEventListener('pointerdown', function () { moving = false; });
  document.addEventListener('keyup', function () { moving = false; });

  document.addEventListener('keydown', function (event) {
    var target = event.target;
    moving = /^(Arrow|Home$|End$|Page)/.test(event.key);
    if (event.key === 'Escape' && body.classList.contains('popup')) close();
    // Enter chooses the focused score (Tab lands on one not chosen yet); Space on a radio the
    // arrow keys already chose clicks nothing: both send.
    if ((event.key === 'Enter' || (event.key === ' ' && target.checked)) &&
        target.type === 'radio' && target.form) {
      event.preventDefault();
      target.checked = true;
      target.form.requestSubmit();
    }
  });

  // Unticking hides the address: it is then not sent, so it cannot be refused out of sight.
  document.addEventListener('change', function (event) {
    var contact = event.target.id === 'consent' && document.getElementById('contact');
    if (contact) contact.disabled = !event.target.checked;
  });

  document.addEventListener('input', function (event) {
    var count = event.target.id === 'comment' && document.querySelector('[data-count]');
    if (count) count.textContent = event.target.value.length;
  });

  // In the popup the thanks close themselves after a few seconds only for a visitor who sent
  // them with the mouse and left the widget alone (WCAG 2.2.1): after a key, a touch or a
  // screen reader's activation they stay, and a key, the pointer coming back or the focus on a
  // link or button since they appeared keeps them; the close buttons stay.
  var byMouse = false;  // the last thing the visitor did was a mouse press
  var pointerOver = false;
  var closing = 0;  // the pending auto-close, if any

  function keepOpen() {
    clearTimeout(closing);
    closing = 0;
  }

  function closeWhenIdle() {
    if (!closing || !document.getElementById('done')) return;
    if (pointerOver) closing = setTimeout(closeWhenIdle, 2000);
    else close();
  }

  document.addEventListener('pointerdown', function (event) {
    byMouse = event.pointerType === 'mouse';
  });
  document.addEventListener('keydown', function () { byMouse = false; keepOpen(); });
  document.addEventListener('pointermove', function () {
    if (!pointerOver) keepOpen();  // back in the frame from the shop's page
    pointerOver = true;
  });
  document.addEventListener('pointerout', function (event) {
    if (!event.relatedTarget) pointerOver = false;
  });
  document.addEventListener('focusin', function (event) {
    if (event.target.tabIndex >= 0) keepOpen();
  });

  document.addEventListener('htmx:afterSettle', function () {
    if (body.classList.contains('popup') && document.getElementById('done') && byMouse &&
        !closing) {
      closing = setTimeout(closeWhenIdle, 6000);
    }
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
