/*
 * Mat companion's service worker (served at /sw.js by clinic.pwa).
 *
 * It keeps a copy of the offline page, the styles, its timer script and the
 * icons: files that are the same for everyone and hold no patient data.
 * Pages always come from the network; when the network fails, the offline
 * page is shown instead. Nothing fetched while someone is signed in is ever
 * stored: the only writes to the cache are the install-time copies below,
 * fetched without cookies.
 */
"use strict";

var CACHE = "mat-companion-{{ version }}";
var OFFLINE_URL = {{ offline_url }};
var PRECACHE = {{ precache }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(
        PRECACHE.map(function (url) {
          return new Request(url, { credentials: "omit" });
        })
      );
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names.filter(function (name) {
          return name !== CACHE;
        }).map(function (name) {
          return caches.delete(name);
        })
      );
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(OFFLINE_URL, { cacheName: CACHE });
      })
    );
    return;
  }
  var url = new URL(request.url);
  if (url.origin === self.location.origin && PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(url.pathname, { cacheName: CACHE }).then(function (copy) {
        return copy || fetch(request);
      })
    );
  }
});
