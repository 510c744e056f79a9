/* Draw every chart on the page from its Vega-Lite spec (a JSON data block, never executed) with the
   local Vega bundle. Each chart's text alternative is already on the page as its caption. */
(function () {
  "use strict";
  var specs = document.querySelectorAll("script.sc-spec");
  var pending = specs.length;
  function done() { if (--pending <= 0) document.documentElement.setAttribute("data-charts", "drawn"); }
  if (!pending) { document.documentElement.setAttribute("data-charts", "drawn"); return; }
  specs.forEach(function (s) {
    var el = document.getElementById(s.getAttribute("data-for"));
    var spec;
    try { spec = JSON.parse(s.textContent); } catch (e) { done(); return; }
    if (!el || !window.vegaEmbed) { if (el) el.setAttribute("data-error", "no Vega"); done(); return; }
    window.vegaEmbed(el, spec, {mode: "vega-lite", actions: false, renderer: "svg", logLevel: 1})
      .then(function () {
        // the container is the image (role="img", named by its caption): the drawing inside is presentation
        var svg = el.querySelector("svg");
        if (svg) svg.setAttribute("aria-hidden", "true");
        el.setAttribute("data-drawn", "yes");
        done();
      })
      .catch(function (err) { el.setAttribute("data-error", String(err)); el.textContent = "The chart could not be drawn; its description follows."; done(); });
  });
})();
