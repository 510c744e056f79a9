/* Offline search over this edition: the index is a local script (search-index.js) that sets
   window.SCORECARD_SEARCH, so it works from file:// as well as over http. No network. */
(function () {
  "use strict";
  var index = window.SCORECARD_SEARCH || [];
  var params = new URLSearchParams(window.location.search);
  var q = (params.get("q") || "").trim();
  var input = document.getElementById("sc-q2");
  var out = document.getElementById("sc-results");
  if (input) input.value = q;
  if (!q || !out) return;

  function esc(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  var words = q.toLowerCase().split(/\s+/).filter(Boolean);
  var hits = [];
  index.forEach(function (e) {
    var hay = (e.t + " " + e.s + " " + e.x).toLowerCase();
    if (!words.every(function (w) { return hay.indexOf(w) >= 0; })) return;
    var score = 0;
    words.forEach(function (w) {
      if ((e.t + " " + e.s).toLowerCase().indexOf(w) >= 0) score += 5;
      score += hay.split(w).length - 1;
    });
    hits.push({e: e, score: score});
  });
  hits.sort(function (a, b) { return b.score - a.score; });

  function snippet(text) {
    var lower = text.toLowerCase(), at = lower.indexOf(words[0]);
    var start = Math.max(0, at - 80), s = text.slice(start, start + 240);
    var html = esc(s);
    words.forEach(function (w) {
      var re = new RegExp("(" + w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "gi");
      html = html.replace(re, "<mark>$1</mark>");
    });
    return (start > 0 ? "\u2026" : "") + html + "\u2026";
  }
  var html = "<p>" + hits.length + " result" + (hits.length === 1 ? "" : "s") + " for \u201c" + esc(q) + "\u201d.</p>";
  if (hits.length) {
    html += "<ol>" + hits.slice(0, 50).map(function (h) {
      var title = h.e.t + (h.e.s && h.e.s !== h.e.t ? " \u2013 " + h.e.s : "");
      return '<li><a href="' + esc(h.e.u) + '">' + esc(title) + "</a><br>" + snippet(h.e.x) + "</li>";
    }).join("") + "</ol>";
  }
  out.innerHTML = html;
})();
