/*
 * The offline page's timer: the patient chooses the minutes and starts it,
 * with the same breathing pacer as the guided timer (4 seconds in, 6 out).
 * It needs no network: the service worker keeps a copy of this file.
 *
 * The guided timer (timer.js) reads its minutes from the day's session, which
 * the offline page cannot know, so this page has a small timer of its own.
 * Time left is worked out from the start time, never by counting ticks, so
 * it stays right when the screen locks.
 */
(function () {
  "use strict";

  var root = document.getElementById("offline-timer");
  if (!root) {
    return;
  }
  var IN_MS = 4000;
  var OUT_MS = 6000;

  var minutesInput = root.querySelector("[data-timer-minutes]");
  var remainingEl = root.querySelector("[data-timer-remaining]");
  var pacer = root.querySelector("[data-pacer]");
  var pacerText = root.querySelector("[data-pacer-text]");
  var statusEl = root.querySelector("[data-timer-status]");
  var startButton = root.querySelector("[data-timer-start]");
  var stopButton = root.querySelector("[data-timer-stop]");

  var startedAt = null;
  var durationMs = 0;
  var ticker = null;

  function chosenMinutes() {
    var value = Math.round(Number(minutesInput.value));
    var lowest = Number(minutesInput.min) || 1;
    var highest = Number(minutesInput.max) || 60;
    if (!(value >= lowest)) {
      value = lowest;
    }
    return Math.min(value, highest);
  }

  function format(ms) {
    var seconds = Math.ceil(ms / 1000);
    var whole = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return whole + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function setBreath(inhale) {
    pacer.classList.toggle("breathe-in", inhale);
    pacer.classList.toggle("breathe-out", !inhale);
    pacerText.textContent = inhale ? "Breathe in" : "Breathe out, slowly";
  }

  function stopTicking() {
    if (ticker !== null) {
      window.clearInterval(ticker);
      ticker = null;
    }
    startedAt = null;
    pacer.classList.remove("breathe-in", "breathe-out");
    startButton.hidden = false;
    stopButton.hidden = true;
    minutesInput.disabled = false;
  }

  function render() {
    if (startedAt === null) {
      return;
    }
    var elapsed = Math.max(0, Date.now() - startedAt);
    var remaining = durationMs - elapsed;
    if (remaining <= 0) {
      stopTicking();
      remainingEl.textContent = format(0);
      pacerText.textContent = "";
      statusEl.textContent =
        "Time is up. Come off the mat slowly. Tick the session off on Today once you are back online.";
      startButton.textContent = "Start again";
      if (navigator.vibrate) {
        navigator.vibrate([200, 100, 200]);
      }
      return;
    }
    remainingEl.textContent = format(remaining);
    setBreath(elapsed % (IN_MS + OUT_MS) < IN_MS);
  }

  function showChosen() {
    if (startedAt === null) {
      remainingEl.textContent = format(chosenMinutes() * 60000);
    }
  }

  startButton.addEventListener("click", function () {
    durationMs = chosenMinutes() * 60000;
    minutesInput.value = String(durationMs / 60000);
    startedAt = Date.now();
    minutesInput.disabled = true;
    startButton.hidden = true;
    stopButton.hidden = false;
    statusEl.textContent = "";
    if (ticker === null) {
      ticker = window.setInterval(render, 250);
    }
    render();
  });

  stopButton.addEventListener("click", function () {
    stopTicking();
    showChosen();
    pacerText.textContent = "Stopped. Tick off what you did on Today once you are back online.";
  });

  minutesInput.addEventListener("input", showChosen);

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      render();
    }
  });

  root.hidden = false;
  // The timer's styles keep it invisible until its script is ready (app.css).
  root.classList.add("ready");
  showChosen();
})();
