/* Demo only: forget the "already asked" timestamp and show the popup again. */
(function () {
  'use strict';
  var button = document.getElementById('show-again');
  if (!button) return;
  button.addEventListener('click', function () {
    try { localStorage.removeItem('tevreden:' + button.getAttribute('data-survey')); } catch (e) { /* storage off */ }
    if (window.Tevreden) window.Tevreden.show();
  });
})();
