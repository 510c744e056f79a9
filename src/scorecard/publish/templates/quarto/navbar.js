/* Quarto's navbar toggle button calls window.quartoToggleHeadroom from an onclick attribute; the pages'
   security policy runs no inline code, so the publishing step removed the attribute and this file adds
   the same call as a listener. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-sc-headroom]").forEach(function (b) {
    b.addEventListener("click", function () { if (window.quartoToggleHeadroom) { window.quartoToggleHeadroom(); } });
  });
})();
