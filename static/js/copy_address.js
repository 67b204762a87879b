/*
 * The calendar feed's "Copy the address" button. Without JavaScript the
 * button stays hidden and the address is plain selectable text in its
 * read-only field.
 */
(function () {
  "use strict";

  var source = document.querySelector("[data-copy-source]");
  var button = document.querySelector("[data-copy-button]");
  var status = document.querySelector("[data-copy-status]");
  if (!source || !button) {
    return;
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function selectAll() {
    source.focus();
    source.select();
  }

  button.hidden = false;
  source.addEventListener("focus", function () {
    source.select();
  });
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(
        function () {
          say("Copied.");
        },
        function () {
          selectAll();
          say("Selected: copy it with your phone's or computer's copy command.");
        }
      );
    } else {
      selectAll();
      say("Selected: copy it with your phone's or computer's copy command.");
    }
  });
})();
