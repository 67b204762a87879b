"""What lets a phone install the site like an app: the web app manifest, the
service worker, the offline page and ``/favicon.ico``.

None of these holds patient data and none needs sign-in: the browser fetches
the manifest, the worker and the favicon on its own, often without the
session cookie. The service worker keeps a copy of exactly the files listed
in ``PRECACHE_STATIC`` and the URLs in ``_precache_urls`` (the offline page,
the manifest, the favicon), fetched at install time without cookies; it never
stores a page or an answer from behind sign-in (templates/pwa/sw.js).
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

# The site's light theme (Pico's background) and its dark one.
LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#13171f"

# Static files the offline page needs: nothing else is kept. The icons are
# not (the phone keeps its own copy of the one it shows on the home screen),
# so a first visit does not download 11 KB of pictures it will not show.
PRECACHE_STATIC = (
    "vendor/pico/pico.jade.min.css",
    "css/app.css",
    "js/offline_timer.js",
    "js/sw_register.js",
    "img/favicon.svg",
)

ICONS = (
    {"src": "img/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": "img/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {
        "src": "img/icon-maskable-512.png",
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
)


@require_safe
@login_not_required
def manifest(request: HttpRequest) -> JsonResponse:
    # start_url is the root, which sends each person to their own start page:
    # a patient to Today, a practitioner who installs it on a laptop to the
    # patient list. A signed-out patient signs in and lands on Today too.
    data = {
        "name": "Mat companion",
        "short_name": "Mat companion",
        "description": "Your acupressure mat sessions between visits.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "lang": "en-GB",
        "dir": "ltr",
        "theme_color": LIGHT_BACKGROUND,
        "background_color": LIGHT_BACKGROUND,
        "icons": [{**icon, "src": static(icon["src"])} for icon in ICONS],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
@login_not_required
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "pwa/offline.html")


@require_safe
@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    urls = _precache_urls()
    script = render_to_string(
        "pwa/sw.js",
        {
            "version": _version(urls),
            "offline_url": mark_safe(json.dumps(reverse("offline"))),  # noqa: S308 (our own URLs)
            "precache": mark_safe(json.dumps(urls)),  # noqa: S308
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on every visit; no-cache makes it ask us.
    response["Cache-Control"] = "no-cache"
    return response


def _precache_urls() -> list[str]:
    return [
        reverse("offline"),
        reverse("manifest"),
        reverse("favicon"),
        *(static(path) for path in PRECACHE_STATIC),
    ]


def _version(urls: list[str]) -> str:
    """Changes whenever anything precached changes, so the new worker fetches
    it all again and deletes the old copy. In production the static URLs carry
    their content's hash already; in development the files are read."""
    if settings.DEBUG:
        return _digest(urls)
    return _cached_digest(tuple(urls))


@cache
def _cached_digest(urls: tuple[str, ...]) -> str:
    return _digest(list(urls))


def _digest(urls: list[str]) -> str:
    digest = hashlib.sha256("\n".join(urls).encode())
    for path in PRECACHE_STATIC:
        digest.update(Path(finders.find(path)).read_bytes())
    for name in ("pwa/offline.html", "base_plain.html", "includes/head.html", "pwa/sw.js"):
        digest.update(Path(get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:12]


@cache
def _favicon_bytes() -> bytes:
    return Path(finders.find("img/favicon.ico")).read_bytes()
