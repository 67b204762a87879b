/*
 * While a form sent by htmx waits for its answer, the button that sent it
 * says so: aria-busy="true" (read out by screen readers, drawn by Pico as
 * a spinner). The form's hx-disabled-elt disables the button meanwhile, so
 * a second tap on a slow connection sends nothing. Without JavaScript the
 * form posts normally, and the server takes a repeated post as one.
 *
 * A file of its own because the CSP allows no inline script and no hx-on.
 */
(function () {
  "use strict";

  // The busy button of each request, by its XMLHttpRequest: htmx may report
  // the end of a request on a parent if the form itself was swapped away.
  var busy = new WeakMap();

  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail;
    var form = detail.elt;
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    if (!(form instanceof HTMLFormElement) || !trigger || trigger.type !== "submit") {
      return;
    }
    var button = trigger.submitter || form.querySelector("button:not([type=button])");
    if (!button) {
      return;
    }
    button.setAttribute("aria-busy", "true");
    busy.set(detail.xhr, button);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var button = busy.get(event.detail.xhr);
    if (button) {
      button.removeAttribute("aria-busy");
      busy.delete(event.detail.xhr);
    }
  });
})();
