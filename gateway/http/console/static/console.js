// unihook console: small progressive enhancements. Every page reads the same without it.
(function () {
  "use strict";

  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short"
  });

  // <time datetime="...Z" title="... UTC">: show it in the viewer's zone, keep UTC on hover.
  function localTimes(root) {
    var items = root.querySelectorAll("time[datetime]:not([data-local])");
    for (var i = 0; i < items.length; i++) {
      var moment = new Date(items[i].getAttribute("datetime"));
      if (!isNaN(moment.getTime())) {
        items[i].textContent = format.format(moment);
        items[i].setAttribute("data-local", "");
      }
    }
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    var text = target.value !== undefined ? target.value : target.textContent;
    var shown = function () {
      button.setAttribute("data-copied", "");
      window.setTimeout(function () { button.removeAttribute("data-copied"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(shown, function () {});
    } else if (target.select) {
      target.select();
      document.execCommand("copy");
      shown();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) { event.preventDefault(); copy(button); }
  });

  // Destructive forms ask first; without JavaScript they submit straight away.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    var buttons = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].hidden = false; }
  });
  // After any htmx swap (out-of-band rows included), the new times are local too.
  document.addEventListener("htmx:afterSettle", function () { localTimes(document); });
})();
