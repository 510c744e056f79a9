/* The menu button on narrow screens, and the Districts menu closing when you leave it.
   A local file; no inline scripts (the pages' security policy forbids them). */
(function () {
  "use strict";
  var button = document.querySelector(".sc-menu-button");
  var menu = document.getElementById("sc-menu");
  function setOpen(open) {
    if (!button || !menu) return;
    menu.classList.toggle("sc-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  if (button && menu) {
    button.addEventListener("click", function () { setOpen(!menu.classList.contains("sc-open")); });
  }
  var dropdowns = document.querySelectorAll(".sc-dropdown details");
  document.addEventListener("click", function (event) {
    dropdowns.forEach(function (d) { if (d.open && !d.contains(event.target)) d.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = Array.prototype.filter.call(dropdowns, function (d) { return d.open; });
    if (open.length) {
      open.forEach(function (d) { d.open = false; d.querySelector("summary").focus(); });
    } else if (menu && menu.classList.contains("sc-open")) {
      setOpen(false);
      button.focus();
    }
  });
})();
