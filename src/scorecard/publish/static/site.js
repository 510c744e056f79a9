/* The menu button on narrow screens. A local file; no inline scripts (the pages' security policy forbids them). */
(function () {
  "use strict";
  var button = document.querySelector(".sc-menu-button");
  var menu = document.getElementById("sc-menu");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = menu.classList.toggle("sc-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
