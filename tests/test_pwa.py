"""The site installs like an app: the manifest, its icons, the favicon, the
service worker and the offline page (clinic/pwa.py)."""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from clinic import pwa


def _policy_is_strict(response) -> None:
    policy = response["Content-Security-Policy"]
    # The nonce shows only where the page used one.
    assert re.search(r"script-src 'self'( 'nonce-[^']+')?;", policy)
    assert "style-src 'self';" in policy
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def _static_file(url: str) -> str:
    return finders.find(url.removeprefix("/static/"))


@pytest.mark.django_db
def test_manifest_describes_an_app_that_opens_on_each_persons_start_page(visitor_client):
    response = visitor_client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Mat companion"
    assert manifest["short_name"]
    assert len(manifest["short_name"]) <= 15
    # The root sends a patient to Today (tested in tests/patients).
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == manifest["background_color"] == "#ffffff"
    _policy_is_strict(response)


@pytest.mark.django_db
def test_manifest_icons_exist_at_their_declared_sizes(visitor_client):
    manifest = json.loads(visitor_client.get(reverse("manifest")).content)
    purposes = set()
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        width, height = (int(n) for n in icon["sizes"].split("x"))
        with Image.open(_static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert image.size == (width, height)
        purposes.add(icon["purpose"])
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert purposes == {"any", "maskable"}


def test_maskable_icon_fills_its_square_and_keeps_the_dots_in_the_safe_circle():
    with Image.open(finders.find("img/icon-maskable-512.png")) as image:
        pixels = image.convert("RGBA")
        # No transparent or white corner: the launcher may cut any shape from it.
        for corner in ((0, 0), (511, 0), (0, 511), (511, 511)):
            red, green, blue, alpha = pixels.getpixel(corner)
            assert alpha == 255
            assert green > 100 > red and blue < 100
        # Every white pixel (a dot) lies within the central circle of 40 % radius.
        white = [
            (x, y)
            for x in range(0, 512, 4)
            for y in range(0, 512, 4)
            if min(pixels.getpixel((x, y))) > 200
        ]
    assert white
    assert all((x - 256) ** 2 + (y - 256) ** 2 <= (0.4 * 512) ** 2 for x, y in white)


def test_apple_touch_icon_is_an_opaque_180_pixel_png():
    with Image.open(finders.find("img/apple-touch-icon.png")) as image:
        assert image.format == "PNG"
        assert image.size == (180, 180)
        # iOS shows transparency as black.
        assert image.mode in ("RGB", "P")
        assert "transparency" not in image.info


@pytest.mark.django_db
def test_pages_link_the_manifest_icons_and_theme_colours(pat_client):
    html = pat_client.get(reverse("patient-home")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    for pattern in (
        r'<link rel="apple-touch-icon" href="/static/img/apple-touch-icon[^"]*png">',
        r'<link rel="icon" href="/static/img/favicon[^"]*svg" type="image/svg\+xml">',
        r'<meta name="theme-color" media="\(prefers-color-scheme: light\)" content="#ffffff">',
        r'<meta name="theme-color" media="\(prefers-color-scheme: dark\)" content="#13171f">',
        r'<script src="/static/js/sw_register[^"]*js" data-service-worker="/sw.js"',
    ):
        assert re.search(pattern, html), pattern


@pytest.mark.django_db
def test_favicon_ico_is_a_real_icon_for_anyone(visitor_client):
    response = visitor_client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "ICO"
        assert {(16, 16), (32, 32)} <= image.info["sizes"]


@pytest.mark.django_db
def test_service_worker_is_served_from_the_root_and_checked_on_every_visit(visitor_client):
    response = visitor_client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    _policy_is_strict(response)


@pytest.mark.django_db
def test_service_worker_for_a_signed_in_patient_is_never_stored(pat_client):
    response = pat_client.get("/sw.js")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_service_worker_keeps_only_static_files_the_offline_page_and_icons(visitor_client):
    script = visitor_client.get("/sw.js").text
    precache = json.loads(re.search(r"var PRECACHE = (\[.*\]);", script)[1])
    assert "/offline/" in precache
    allowed = ("/static/", "/offline/", "/manifest.webmanifest", "/favicon.ico")
    assert all(url.startswith(allowed) for url in precache)
    assert not [url for url in precache if url.startswith(("/home/", "/patients/"))]
    # Each static file it names exists.
    assert all(_static_file(url) for url in precache if url.startswith("/static/"))
    # It writes to the cache only at install time, never what it fetches later.
    assert "cache.put" not in script
    assert script.count("addAll(") == 1
    assert re.search(r'var CACHE = "mat-companion-[0-9a-f]{12}";', script)


@pytest.mark.django_db
def test_service_worker_version_changes_with_what_it_keeps(visitor_client, settings):
    before = pwa._digest(["/offline/", "/static/css/app.css"])
    after = pwa._digest(["/offline/", "/static/css/app.abc123.css"])
    assert before != after
    settings.DEBUG = True
    assert pwa._version(["/offline/"]) == pwa._digest(["/offline/"])


@pytest.mark.django_db
def test_offline_page_needs_no_sign_in_and_says_what_still_works(visitor_client):
    response = visitor_client.get(reverse("offline"))
    assert response.status_code == 200
    html = response.text
    assert "<h1>You are offline</h1>" in html
    assert "You can still do today's session" in html
    assert "Once you are back online, open Today and tick it off" in html
    assert 'id="offline-timer"' in html
    assert re.search(r'<script src="/static/js/offline_timer[^"]*js"', html)
    _policy_is_strict(response)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 2
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert "style=" not in html


@pytest.mark.django_db
def test_offline_page_shows_nothing_about_the_signed_in_patient(pat_client, pat):
    html = pat_client.get(reverse("offline")).text
    assert "<h1>You are offline</h1>" in html
    assert pat.full_name not in html
    assert pat.user.email not in html
    # No sign-out form, so no CSRF token to keep on the phone.
    assert "csrfmiddlewaretoken" not in html
    assert "X-CSRFToken" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["manifest", "service-worker", "favicon", "offline"])
def test_install_urls_answer_get_only(visitor_client, name):
    assert visitor_client.post(reverse(name)).status_code == 405
