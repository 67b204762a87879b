/*
 * The guided timer: counts down the prescribed minutes with a breathing
 * pacer (4 seconds in, 6 seconds out: six breaths a minute) and keeps the
 * screen awake where the browser allows it.
 *
 * The time left is always worked out from the moment the session started
 * (kept in sessionStorage: a timestamp, no health data), never by counting
 * ticks, so it stays right when the phone locks, the tab sleeps or the page
 * reloads. The check-off form below the timer works with or without it.
 */
(function () {
  "use strict";

  var root = document.getElementById("guided-timer");
  if (!root) {
    return;
  }
  var IN_MS = 4000;
  var OUT_MS = 6000;
  var minutes = Number(root.dataset.minutes);
  var durationMs = minutes * 60 * 1000;
  var key = root.dataset.storageKey;

  var remainingEl = root.querySelector("[data-timer-remaining]");
  var pacer = root.querySelector("[data-pacer]");
  var pacerText = root.querySelector("[data-pacer-text]");
  var statusEl = root.querySelector("[data-timer-status]");
  var startButton = root.querySelector("[data-timer-start]");
  var stopButton = root.querySelector("[data-timer-stop]");
  var wakeNote = root.querySelector("[data-wake-lock-note]");
  var checkOff = document.getElementById("timer-check-off");
  var minutesInput = checkOff ? checkOff.querySelector("input[name=minutes_done]") : null;

  var ticker = null;
  var wakeLock = null;

  function read() {
    try {
      var value = Number(window.sessionStorage.getItem(key));
      return value > 0 ? value : null;
    } catch (error) {
      return null;
    }
  }

  function write(value) {
    try {
      if (value === null) {
        window.sessionStorage.removeItem(key);
      } else {
        window.sessionStorage.setItem(key, String(value));
      }
    } catch (error) {
      // Private browsing may refuse storage: the timer still runs until a reload.
    }
  }

  var startedAt = read();

  function format(ms) {
    var seconds = Math.ceil(ms / 1000);
    var whole = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return whole + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function setBreath(phase) {
    pacer.classList.toggle("breathe-in", phase === "in");
    pacer.classList.toggle("breathe-out", phase === "out");
    if (phase === "in") {
      pacerText.textContent = "Breathe in";
    } else if (phase === "out") {
      pacerText.textContent = "Breathe out, slowly";
    }
  }

  function requestWakeLock() {
    if (!("wakeLock" in navigator)) {
      wakeNote.textContent = "Your screen may turn off. The timer keeps time anyway.";
      return;
    }
    if (wakeLock !== null || document.visibilityState !== "visible") {
      return;
    }
    navigator.wakeLock.request("screen").then(
      function (lock) {
        wakeLock = lock;
        wakeNote.textContent = "Your screen stays on while the timer runs.";
        lock.addEventListener("release", function () {
          wakeLock = null;
        });
      },
      function () {
        wakeNote.textContent = "Your screen may turn off. The timer keeps time anyway.";
      }
    );
  }

  function releaseWakeLock() {
    if (wakeLock !== null) {
      wakeLock.release();
      wakeLock = null;
    }
  }

  function stopTicking() {
    if (ticker !== null) {
      window.clearInterval(ticker);
      ticker = null;
    }
    releaseWakeLock();
    root.classList.remove("running");
    pacer.classList.remove("breathe-in", "breathe-out");
    startButton.hidden = false;
    stopButton.hidden = true;
  }

  function offerCheckOff(minutesDone) {
    if (minutesInput) {
      minutesInput.value = String(Math.min(Math.max(minutesDone, 1), minutes));
    }
    if (checkOff) {
      checkOff.focus();
    }
  }

  function finish() {
    startedAt = null;
    write(null);
    stopTicking();
    remainingEl.textContent = format(0);
    pacerText.textContent = "";
    statusEl.textContent = "Time is up. Come off the mat slowly, then tick the session off below.";
    startButton.textContent = "Start again";
    if (navigator.vibrate) {
      navigator.vibrate([200, 100, 200]);
    }
    offerCheckOff(minutes);
  }

  function render() {
    if (startedAt === null) {
      return;
    }
    var elapsed = Math.max(0, Date.now() - startedAt);
    var remaining = durationMs - elapsed;
    if (remaining <= 0) {
      finish();
      return;
    }
    remainingEl.textContent = format(remaining);
    setBreath(elapsed % (IN_MS + OUT_MS) < IN_MS ? "in" : "out");
  }

  function run() {
    root.classList.add("running");
    startButton.hidden = true;
    stopButton.hidden = false;
    statusEl.textContent = "";
    requestWakeLock();
    if (ticker === null) {
      ticker = window.setInterval(render, 250);
    }
    render();
  }

  startButton.addEventListener("click", function () {
    startedAt = Date.now();
    write(startedAt);
    run();
  });

  stopButton.addEventListener("click", function () {
    var done = startedAt === null ? 0 : Math.round((Date.now() - startedAt) / 60000);
    startedAt = null;
    write(null);
    stopTicking();
    remainingEl.textContent = format(durationMs);
    pacerText.textContent = "Stopped. Tick the session off below if you did some of it.";
    offerCheckOff(done);
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && startedAt !== null) {
      // Back from a locked screen: catch up at once, and ask for the wake lock again
      // (browsers drop it when the page is hidden).
      render();
      if (startedAt !== null) {
        requestWakeLock();
      }
    }
  });

  // The section already holds its place (app.css): showing it moves nothing.
  root.classList.add("ready");
  remainingEl.textContent = format(durationMs);
  if (startedAt !== null) {
    // A reload while the timer ran: carry on from the same start.
    run();
  }
})();
