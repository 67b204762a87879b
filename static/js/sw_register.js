/*
 * Registers the service worker named by this script tag's data-service-worker
 * (/sw.js): it shows a plain offline page with a timer when the phone has no
 * connection. The site works the same without it.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) {
    return;
  }
  var url = script.dataset.serviceWorker;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
      // Without the worker the site still works; only the offline page is missing.
    });
  });
})();
