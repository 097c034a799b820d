/* Tevreden dashboard: copy buttons for the snippet and new tokens, and the settings page's
   live preview. No inline scripts (CSP). */
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
    // A trend drawn wider than a phone opens on its latest periods (the frame scrolls back).
    var trends = root.querySelectorAll(".chart-frame[aria-labelledby='trend-title']");
    for (var t = 0; t < trends.length; t++) {
      trends[t].scrollLeft = trends[t].scrollWidth;
    }
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
  // The settings page's preview follows what is typed, before it is saved (nothing is stored).
  var waiting = null;
  function refreshPreview() {
    var frame = document.querySelector("iframe[data-live-preview]");
    if (!frame) { return; }
    var question = document.getElementById(frame.getAttribute("data-question-field"));
    var colours = document.getElementById("scale_colours");
    var url = new URL(frame.getAttribute("src"), window.location.href);
    if (question) { url.searchParams.set("question", question.value); }
    if (colours) { url.searchParams.set("scale_colours", colours.checked ? "1" : "0"); }
    // The "why?" questions in the preview's language, shown once a score is chosen there.
    var lang = url.searchParams.get("lang") === "en" ? "en" : "nl";
    ["promoters", "passives", "detractors"].forEach(function (group) {
      var why = document.getElementById("why_" + group + "_" + lang);
      if (why) { url.searchParams.set("why_" + group, why.value); }
    });
    if (url.href !== frame.src) { frame.src = url.href; }
  }
  function previewInput(event) {
    var frame = document.querySelector("iframe[data-live-preview]");
    var target = event.target;
    if (!frame || !target || (target.id !== frame.getAttribute("data-question-field") &&
                              target.id !== "scale_colours" &&
                              !/^why_[a-z]+_(nl|en)$/.test(target.id))) { return; }
    clearTimeout(waiting);
    waiting = setTimeout(refreshPreview, 400);
  }
  document.addEventListener("input", previewInput);
  document.addEventListener("change", previewInput);
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
})();
