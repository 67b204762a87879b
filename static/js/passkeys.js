/*
 * Beside django-otp-webauthn's own scripts (served from static files, as the
 * CSP wants): the words they show, and what happens after a passkey is made.
 *
 * The library's scripts call a global gettext() for every sentence they
 * show. Instead of its translation catalog (one more address, and sentences
 * in the library's voice) this gives them the site's own plain ones.
 *
 * After a new passkey is saved, the person is taken to the page where they
 * name it: the button carries that page's address, with 0 for the id.
 */
(function () {
  "use strict";

  var WORDS = {
    "Registering...": "Waiting for your device…",
    "Finishing registration...": "Saving your passkey…",
    "Registration successful!": "Your passkey is saved.",
    "Registration aborted.": "Nothing was saved: the request was stopped. You can try again.",
    "Registration aborted or not allowed.":
      "Nothing was saved: the request was cancelled or timed out. You can try again.",
    "Registration failed. You most likely already have a Passkey registered for this site.":
      "This device already has a passkey for your account here. It is in your list on Account security.",
    "Registration failed. A technical problem occurred that prevents you from registering a Passkey for this site.":
      "This browser cannot make a passkey for this address. Try another browser, or keep using your authenticator app.",
    "Registration failed. An unknown error occurred.":
      "Something went wrong and nothing was saved. Please try again.",
    "Registration failed. The server was unable to verify this passkey.":
      "We could not check this passkey, so it was not saved. Please try again.",
    "Registration failed. A server error occurred.":
      "Something went wrong on our side and nothing was saved. Please try again in a minute.",
    "Registration failed. Unable to fetch registration options from server.":
      "We could not start. Reload the page and try again.",
    "An error occurred during registration.":
      "Something went wrong and nothing was saved. Please try again.",
    "Verifying...": "Waiting for your passkey…",
    "Finishing verification...": "Checking…",
    "Verification successful!": "That worked. Taking you on…",
    "Verification aborted.": "The request was stopped. You can try again, or type a code below.",
    "Verification canceled or not allowed.":
      "The request was cancelled or timed out. You can try again, or type a code below.",
    "Verification failed. An unknown error occurred.":
      "That did not work. Try again, or type the code from your app below.",
    "Verification failed. Could not retrieve parameters from the server.":
      "We could not start. Reload the page and try again, or type a code below.",
    "Verification failed. An unknown server error occurred.":
      "Something went wrong on our side. Type the code from your app below instead.",
    "Verification failed. A server error occurred.":
      "Something went wrong on our side. Type the code from your app below instead.",
    "An error occurred during verification.":
      "That did not work. Try again, or type the code from your app below.",
  };

  window.gettext = function (text) {
    return Object.prototype.hasOwnProperty.call(WORDS, text) ? WORDS[text] : text;
  };

  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var button = event.target;
    var template = button && button.getAttribute("data-name-url");
    if (template && event.detail && event.detail.id) {
      window.location.assign(template.replace(/\/0\/$/, "/" + event.detail.id + "/"));
    }
  });
})();
