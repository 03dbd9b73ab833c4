// Optional comforts; the page reads fine without them.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // A link to #log-x opens that step's log.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  document.querySelectorAll("button[data-logs]").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = b.getAttribute("data-logs") === "open";
      document.querySelectorAll("details.log").forEach(function (d) { d.open = open; });
    });
  });

  // Times are written in UTC; show the reader's local time on hover.
  document.querySelectorAll("time[datetime]").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d.getTime())) t.title = d.toString();
  });
})();
