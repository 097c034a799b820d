/* Tevreden dashboard: copy buttons for the snippet and new tokens. No inline scripts (CSP). */
(function () {
  "use strict";

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    var original = button.textContent;
    function done() {
      button.textContent = button.getAttribute("data-copied") || original;
      setTimeout(function () { button.textContent = original; }, 2000);
    }
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        // The text stays selected, so Ctrl+C still works.
      });
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  }

  function setUp(root) {
    var buttons = root.querySelectorAll("[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      // Shown only when this script runs; without JavaScript the text can be selected by hand.
      buttons[i].hidden = false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (button) { copy(button); }
  });
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
})();
